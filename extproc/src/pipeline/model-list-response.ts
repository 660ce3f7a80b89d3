import type { RespondAction } from "../protocol/http-exchange.ts";
import type { PolicyDecision } from "./policy-decision.ts";

/** GET /v1/models as OpenAI answers it, listing only what the policy lets this caller use. */
export function modelListResponse(
  models: NonNullable<PolicyDecision["models"]>,
  requestId: string,
): RespondAction {
  const body = Buffer.from(
    JSON.stringify({
      object: "list",
      data: models.map((model) => ({ id: model.id, object: "model", created: 0, owned_by: model.owned_by })),
    }),
  );
  return {
    kind: "respond",
    status: 200,
    headers: [
      { name: "content-type", value: "application/json" },
      { name: "x-request-id", value: requestId },
    ],
    body,
    details: "gateway_model_list",
  };
}
