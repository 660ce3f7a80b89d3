import type { GatewayError } from "./gateway-errors.ts";
import { readGeminiPath } from "./gemini-model-path.ts";
import type { ApiKind } from "./policy-input.ts";

/**
 * Exact method and path only: a path the gateway does not know byte for byte (a trailing slash,
 * a doubled slash, another case) is `unknown`, and the policy denies unknown APIs by default.
 */
const KNOWN_APIS: ReadonlyMap<string, ApiKind> = new Map([
  ["POST /v1/chat/completions", "openai.chat_completions"],
  ["POST /v1/completions", "openai.completions"],
  ["POST /v1/embeddings", "openai.embeddings"],
  ["GET /v1/models", "openai.models"],
  ["POST /v1/messages", "anthropic.messages"],
]);

/** The API a request speaks, and for APIs that name the model in the path (Gemini), that model. */
export interface ApiClassification {
  readonly api: ApiKind;
  readonly pathModel: string | undefined;
  /** A path the gateway refuses to interpret (see gemini-model-path.ts); answered after identity. */
  readonly problem: GatewayError | undefined;
}

export function classifyApi(method: string, path: string, query: string): ApiClassification {
  const known = KNOWN_APIS.get(`${method} ${path}`);
  if (known) return { api: known, pathModel: undefined, problem: undefined };
  const gemini = method === "POST" ? readGeminiPath(path, query) : undefined;
  if (!gemini) return { api: "unknown", pathModel: undefined, problem: undefined };
  if (!gemini.ok) {
    // Still a Gemini caller: its refusal goes out in Gemini's error shape.
    const api = /:streamgeneratecontent/i.test(path)
      ? "gemini.stream_generate_content"
      : "gemini.generate_content";
    return { api, pathModel: undefined, problem: gemini.error };
  }
  return { api: gemini.value.api, pathModel: gemini.value.model, problem: undefined };
}

/** APIs whose request body is a model request and must be parsed before the policy can decide. */
export function apiHasModelBody(api: ApiKind): boolean {
  return api !== "openai.models" && api !== "unknown";
}
