import type { ServerResponse } from "node:http";
import { sendJson } from "./json-response.ts";

/** An error the demo answers in OpenAI's shape: `{ error: { message, type, param, code } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}
