import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { type OpenAiError, openAiError, openAiErrorBuffer, openAiErrorStatus } from "../openai-error-body.ts";
import { parseProviderJson } from "../provider-json.ts";
import { GeminiErrorBody } from "./gemini-response-schema.ts";

/**
 * A Gemini error answer → the OpenAI error shape with the same HTTP status, so the caller's SDK
 * raises the class it would for OpenAI (RateLimitError for 429, ...) and retries where it would.
 * The code is Google's canonical status in snake case (`resource_exhausted`, `unavailable`,
 * `invalid_argument`, `permission_denied`, `unauthenticated`), stable across Google's wording
 * changes. Google's message is kept: it never contains the API key.
 */

export function geminiErrorToOpenAi(status: number, body: Buffer): TranslatedResponse {
  const mapped = openAiErrorStatus(status);
  const json = parseProviderJson(body);
  const parsed = GeminiErrorBody.safeParse(json.ok ? json.value : undefined);
  if (!parsed.success) {
    // An error page from a proxy in front of Gemini (HTML, empty): keep its status so the caller
    // still sees a 429 or 503 as retryable, with a body its SDK can read.
    const message = `The provider gemini answered HTTP ${status} without a Google error body`;
    const error = openAiError(mapped, "invalid_provider_response", message);
    return { status: mapped, body: openAiErrorBuffer(error), usage: undefined };
  }
  return {
    status: mapped,
    body: openAiErrorBuffer(googleErrorToOpenAi(parsed.data, mapped)),
    usage: undefined,
  };
}

/** Also used for an error event inside a stream, where the HTTP status was already 200. */
export function googleErrorToOpenAi(body: GeminiErrorBody, status: number): OpenAiError {
  const { message, status: googleStatus } = body.error;
  return openAiError(status, (googleStatus ?? `http_${status}`).toLowerCase(), message);
}

/** The answer the gateway gives when the provider's bytes are not what Gemini documents. */
export function invalidProviderResponse(detail: string): OpenAiError {
  return openAiError(502, "invalid_provider_response", `The provider gemini answered ${detail}`);
}
