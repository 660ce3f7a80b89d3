/**
 * Every way the gateway can refuse a request, in one catalogue. The code is stable: it is the
 * `code` of the error body the caller's SDK reads, the audit row's reason code and a metric label.
 * Every error fails closed: the request does not reach a provider.
 */
export const GATEWAY_ERRORS = {
  missing_api_key: { status: 401 },
  invalid_api_key: { status: 401 },
  body_too_large: { status: 413 },
  unsupported_content_encoding: { status: 415 },
  unsupported_content_type: { status: 415 },
  invalid_body_encoding: { status: 400 },
  invalid_utf8: { status: 400 },
  invalid_json: { status: 400 },
  duplicate_json_key: { status: 400 },
  body_not_object: { status: 400 },
  model_missing: { status: 400 },
  model_invalid: { status: 400 },
  model_path_invalid: { status: 400 },
  model_not_found: { status: 404 },
  invalid_request: { status: 400 },
  unsupported_feature: { status: 422 },
  policy_denied: { status: 403 },
  policy_error: { status: 500 },
  provider_response_unreadable: { status: 502 },
  provider_auth_failed: { status: 502 },
  overloaded: { status: 503 },
  internal_error: { status: 500 },
} as const satisfies Record<string, { status: number }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** A refusal as plain data. `status` overrides the catalogue (a policy may choose its deny status). */
export interface GatewayError {
  readonly code: GatewayErrorCode;
  readonly message: string;
  readonly status?: number;
  /** Reason codes for the audit row; defaults to [code]. */
  readonly reasonCodes?: readonly string[];
  /** JSON field the error is about, as OpenAI's `param`. */
  readonly param?: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: GatewayError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(
  code: GatewayErrorCode,
  message: string,
  extra: Omit<GatewayError, "code" | "message"> = {},
): Result<T> => ({ ok: false, error: { code, message, ...extra } });

export function errorStatus(error: GatewayError): number {
  return error.status ?? GATEWAY_ERRORS[error.code].status;
}

/**
 * The error type OpenAI's and Anthropic's APIs give an HTTP status (their names agree), for
 * refusals whose status was not chosen from the catalogue: a policy's deny status, a provider's.
 */
export type StatusErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  | "api_error";

export function errorTypeForStatus(status: number): StatusErrorType {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
