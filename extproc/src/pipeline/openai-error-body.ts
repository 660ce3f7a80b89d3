import type { HeaderList, RespondAction } from "../protocol/http-exchange.ts";
import { errorStatus, GATEWAY_ERRORS, type GatewayError } from "./gateway-errors.ts";

/**
 * The error in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, which the openai
 * SDKs turn into typed exceptions (403 → PermissionDeniedError) carrying `message`. The request id
 * is in the message and in a header so an app developer can quote it to the platform team.
 */
export function openAiErrorResponse(error: GatewayError, requestId: string): RespondAction {
  const body = Buffer.from(
    JSON.stringify({
      error: {
        message: `${error.message} (request id: ${requestId})`,
        type: GATEWAY_ERRORS[error.code].type,
        param: error.param ?? null,
        code: error.code === "policy_denied" ? (error.reasonCodes?.[0] ?? error.code) : error.code,
      },
    }),
  );
  const headers: HeaderList = [
    { name: "content-type", value: "application/json" },
    { name: "x-request-id", value: requestId },
  ];
  return { kind: "respond", status: errorStatus(error), headers, body, details: `gateway_${error.code}` };
}
