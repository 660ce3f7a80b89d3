import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { type OpenAiError, openAiErrorBuffer, openAiErrorStatus } from "../openai-error-body.ts";
import { parseProviderJson } from "../provider-json.ts";
import { AnthropicError } from "./anthropic-response-schemas.ts";

/**
 * Anthropic errors (`{type:"error", error:{type, message}}`) to OpenAI's error shape
 * (`{error:{message, type, param, code}}`), with a status the openai SDK maps to the right class
 * and the gateway's failover treats right. The Anthropic error type becomes `code`, so the caller
 * and the audit row still see what the provider said.
 */

const OPENAI_TYPE: Readonly<Record<string, string>> = {
  invalid_request_error: "invalid_request_error",
  request_too_large: "invalid_request_error",
  not_found_error: "invalid_request_error",
  authentication_error: "authentication_error",
  permission_error: "permission_error",
  rate_limit_error: "rate_limit_error",
  api_error: "api_error",
  overloaded_error: "api_error",
};

/** The OpenAI type follows Anthropic's own error type, which may say more than the status. */
export function anthropicOpenAiError(anthropicType: string, message: string): OpenAiError {
  const type = OPENAI_TYPE[anthropicType] ?? "api_error";
  return { message, type, param: null, code: anthropicType };
}

function errorResponse(status: number, error: OpenAiError): TranslatedResponse {
  return { status, body: openAiErrorBuffer(error), usage: undefined };
}

/** The provider answered 2xx with something that is not an Anthropic message. */
export function malformedAnswer(message: string): TranslatedResponse {
  return errorResponse(502, anthropicOpenAiError("provider_invalid_response", message));
}

export function anthropicErrorToOpenAi(status: number, body: Buffer): TranslatedResponse {
  const json = parseProviderJson(body);
  const parsed = AnthropicError.safeParse(json.ok ? json.value : undefined);
  const mapped = openAiErrorStatus(status);
  if (parsed.success) {
    return errorResponse(mapped, anthropicOpenAiError(parsed.data.error.type, parsed.data.error.message));
  }
  // A proxy in front of Anthropic may answer HTML or nothing; keep the status so failover still sees a 5xx.
  return errorResponse(
    mapped,
    anthropicOpenAiError(
      mapped >= 500 ? "api_error" : "invalid_request_error",
      `anthropic answered ${status} without an error body`,
    ),
  );
}
