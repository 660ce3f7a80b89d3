import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { GeminiErrorBody } from "./gemini-response-schema.ts";
import { type OpenAiError, openAiError, openAiErrorBuffer } from "./openai-error-body.ts";

/**
 * A Gemini error answer → the OpenAI error shape with the same HTTP status, so the caller's SDK
 * raises the class it would for OpenAI (RateLimitError for 429, ...) and retries where it would.
 * The code is Google's canonical status in snake case (`resource_exhausted`, `unavailable`,
 * `invalid_argument`, `permission_denied`, `unauthenticated`), stable across Google's wording
 * changes. Google's message is kept: it never contains the API key.
 */

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

export function geminiErrorToOpenAi(status: number, body: Buffer): TranslatedResponse {
  const parsed = GeminiErrorBody.safeParse(parseJson(body));
  if (!parsed.success) {
    // An error page from a proxy in front of Gemini (HTML, empty): keep its status so the caller
    // still sees a 429 or 503 as retryable, with a body its SDK can read.
    const message = `The provider gemini answered HTTP ${status} without a Google error body`;
    const error = openAiError(status, "invalid_provider_response", message);
    return { status, body: openAiErrorBuffer(error), usage: undefined };
  }
  return { status, body: openAiErrorBuffer(googleErrorToOpenAi(parsed.data, status)), usage: undefined };
}

/** Also used for an error event inside a stream, where the HTTP status was already 200. */
export function googleErrorToOpenAi(body: GeminiErrorBody, status: number): OpenAiError {
  const { message, status: googleStatus } = body.error;
  return openAiError(status, (googleStatus ?? `http_${status}`).toLowerCase(), message);
}
