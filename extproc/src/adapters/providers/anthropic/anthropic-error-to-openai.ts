import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { AnthropicError } from "./anthropic-response-schemas.ts";

/**
 * Anthropic errors (`{type:"error", error:{type, message}}`) to OpenAI's error shape
 * (`{error:{message, type, param, code}}`), with a status the openai SDK maps to the right class
 * and the gateway's failover treats right. The Anthropic error type becomes `code`, so the caller
 * and the audit row still see what the provider said.
 */

export interface OpenAiErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: string;
    readonly param: null;
    readonly code: string;
  };
}

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

/** 529 is Anthropic's "overloaded"; OpenAI clients know 503 as the retryable equivalent. */
export function openAiStatus(status: number): number {
  if (status === 529) return 503;
  return status >= 400 && status <= 599 ? status : 502;
}

export function openAiError(anthropicType: string, message: string): OpenAiErrorBody {
  const type = OPENAI_TYPE[anthropicType] ?? "api_error";
  return { error: { message, type, param: null, code: anthropicType } };
}

export function errorResponse(status: number, body: OpenAiErrorBody): TranslatedResponse {
  return { status, body: Buffer.from(JSON.stringify(body)), usage: undefined };
}

/** The provider answered 2xx with something that is not an Anthropic message. */
export function malformedAnswer(message: string): TranslatedResponse {
  return errorResponse(502, openAiError("provider_invalid_response", message));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

export function anthropicErrorToOpenAi(status: number, body: Buffer): TranslatedResponse {
  const parsed = AnthropicError.safeParse(parseJson(body));
  const mapped = openAiStatus(status);
  if (parsed.success) {
    return errorResponse(mapped, openAiError(parsed.data.error.type, parsed.data.error.message));
  }
  // A proxy in front of Anthropic may answer HTML or nothing; keep the status so failover still sees a 5xx.
  return errorResponse(
    mapped,
    openAiError(
      mapped >= 500 ? "api_error" : "invalid_request_error",
      `anthropic answered ${status} without an error body`,
    ),
  );
}
