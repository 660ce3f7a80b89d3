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
]);

export function classifyApi(method: string, path: string): ApiKind {
  return KNOWN_APIS.get(`${method} ${path}`) ?? "unknown";
}

/** APIs whose request body names a model and must be parsed before the policy can decide. */
export function apiHasModelBody(api: ApiKind): boolean {
  return api === "openai.chat_completions" || api === "openai.completions" || api === "openai.embeddings";
}
