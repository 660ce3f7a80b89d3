import { errorTypeForStatus } from "../../../pipeline/gateway-errors.ts";

/**
 * OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`, which the openai SDK
 * turns into an APIError with `status`, `code` and `type`, both as a JSON body and as a stream event.
 */

export interface OpenAiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string;
}

export function openAiError(
  status: number,
  code: string,
  message: string,
  param: string | null = null,
): OpenAiError {
  return { message, type: errorTypeForStatus(status), param, code };
}

export function openAiErrorBuffer(error: OpenAiError): Buffer {
  return Buffer.from(JSON.stringify({ error }));
}

/** The answer the gateway gives when the provider's bytes are not what Gemini documents. */
export function invalidProviderResponse(detail: string): OpenAiError {
  return openAiError(502, "invalid_provider_response", `The provider gemini answered ${detail}`);
}
