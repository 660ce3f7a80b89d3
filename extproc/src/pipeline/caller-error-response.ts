import type { HeaderList, RespondAction } from "../protocol/http-exchange.ts";
import {
  errorStatus,
  errorTypeForStatus,
  type GatewayError,
  type StatusErrorType,
} from "./gateway-errors.ts";
import type { ApiKind } from "./policy-input.ts";

/**
 * A refusal in the shape of the API the caller speaks, so that its SDK raises its own typed error
 * (openai: PermissionDeniedError, @anthropic-ai/sdk: PermissionDeniedError, @google/genai:
 * ApiError with the status) carrying the gateway's message. Both filters answer through this: the
 * decision filter's refusals and the per-attempt ones (a provider refusing the gateway's key is a
 * 502 to the caller, in the caller's shape). The request id is in the message and in a header so
 * an app developer can quote it to the platform team.
 */
export function callerErrorResponse(error: GatewayError, api: ApiKind, requestId: string): RespondAction {
  const status = errorStatus(error);
  const message = `${error.message} (request id: ${requestId})`;
  // The code the caller reads: a policy denial names the policy's first reason.
  const code = error.code === "policy_denied" ? (error.reasonCodes?.[0] ?? error.code) : error.code;
  const body = Buffer.from(JSON.stringify(errorBody(api, error, status, message, code, requestId)));
  const headers: HeaderList = [
    { name: "content-type", value: "application/json" },
    { name: "x-request-id", value: requestId },
  ];
  return { kind: "respond", status, headers, body, details: `gateway_${error.code}` };
}

function errorBody(
  api: ApiKind,
  error: GatewayError,
  status: number,
  message: string,
  code: string,
  requestId: string,
): unknown {
  switch (api) {
    case "anthropic.messages":
    case "anthropic.models":
      // Anthropic's shape: the SDK picks its error class by status, `type` names the kind.
      return {
        type: "error",
        error: { type: anthropicErrorType(error, status), message },
        request_id: requestId,
      };
    case "gemini.generate_content":
    case "gemini.stream_generate_content":
    case "gemini.models":
      // google.rpc.Status as Google's JSON APIs answer it; ErrorInfo carries the gateway's code.
      return {
        error: {
          code: status,
          message,
          status: googleRpcStatus(status),
          details: [
            {
              "@type": "type.googleapis.com/google.rpc.ErrorInfo",
              reason: code.toUpperCase(),
              domain: "llm-gateway",
            },
          ],
        },
      };
    default:
      return {
        error: { message, type: errorTypeForStatus(status), param: error.param ?? null, code },
      };
  }
}

type AnthropicErrorType = StatusErrorType | "overloaded_error";

function anthropicErrorType(error: GatewayError, status: number): AnthropicErrorType {
  if (error.code === "overloaded") return "overloaded_error";
  return errorTypeForStatus(status);
}

/** The google.rpc.Code name Google's HTTP mapping gives a status (google/rpc/code.proto). */
function googleRpcStatus(status: number): string {
  switch (status) {
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
  }
}
