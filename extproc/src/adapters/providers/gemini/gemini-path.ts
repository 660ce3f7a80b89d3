/**
 * Gemini's request path for a model: `POST /v1beta/models/{model}:generateContent`, or
 * `:streamGenerateContent?alt=sse` for a stream (server-sent events, not a JSON array).
 */

/** Gemini model ids; anything else could rewrite the request path. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isGeminiModelId(model: string): boolean {
  return MODEL_ID.test(model);
}

export function geminiPath(model: string, stream: boolean): string {
  return stream
    ? `/v1beta/models/${model}:streamGenerateContent?alt=sse`
    : `/v1beta/models/${model}:generateContent`;
}
