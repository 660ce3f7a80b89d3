import type { ServerResponse } from "node:http";
import { sendJson } from "./json-response.ts";

/** An error the mock answers in Anthropic's shape: `{type:"error", error:{type, message}, request_id}`. */

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "overloaded_error";

export class AnthropicApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: AnthropicErrorType,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string): AnthropicApiError =>
  new AnthropicApiError(400, "invalid_request_error", message);

export function sendError(res: ServerResponse, error: AnthropicApiError, requestId: string): void {
  sendJson(
    res,
    error.status,
    { type: "error", error: { type: error.type, message: error.message }, request_id: requestId },
    requestId,
    error.headers,
  );
}
