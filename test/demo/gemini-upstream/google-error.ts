import type { ServerResponse } from "node:http";
import { sendJson } from "../mock-server/send-json.ts";

/**
 * An error the mock answers in Google's shape:
 * `{"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT", "details": [...]}}`.
 */

const STATUS_CODES = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type GoogleStatus = keyof typeof STATUS_CODES;

export class GoogleApiError extends Error {
  readonly code: number;
  constructor(
    readonly status: GoogleStatus,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.code = STATUS_CODES[status];
  }
}

export function sendGoogleError(res: ServerResponse, error: GoogleApiError): void {
  const body = { code: error.code, message: error.message, status: error.status };
  sendJson(res, error.code, { error: error.details.length > 0 ? { ...body, details: error.details } : body });
}

/** The ErrorInfo detail Google attaches to key problems, which clients read for the reason. */
export function errorInfo(reason: string): unknown {
  return {
    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
    reason,
    domain: "googleapis.com",
    metadata: { service: "generativelanguage.googleapis.com" },
  };
}
