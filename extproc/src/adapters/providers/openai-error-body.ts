import { errorTypeForStatus } from "../../pipeline/gateway-errors.ts";

/**
 * OpenAI's error shape, `{"error": {"message", "type", "param", "code"}}`, which the openai SDK
 * turns into an APIError with `status`, `code` and `type`, both as a JSON body and as a stream
 * event: what every translating provider answers an OpenAI caller when something went wrong.
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

/**
 * The openai SDK's Stream throws an APIError carrying `error` when a data event has an `error`
 * field (core/streaming.js), so the caller's `for await` fails with the provider's message.
 */
export function openAiErrorEvent(error: OpenAiError): string {
  return `data: ${JSON.stringify({ error })}\n\n`;
}

/**
 * The status an OpenAI caller gets for a provider's error: a provider status outside 4xx/5xx (a
 * redirect from a proxy) is no answer the caller's SDK can act on, so it becomes 502; 529 is
 * Anthropic's "overloaded", which OpenAI clients know as the retryable 503.
 */
export function openAiErrorStatus(status: number): number {
  if (status === 529) return 503;
  return status >= 400 && status <= 599 ? status : 502;
}
