import type { RespondAction } from "../protocol/http-exchange.ts";
import { callerErrorResponse } from "./caller-error-response.ts";
import type { PolicyDecision } from "./policy-decision.ts";
import type { ApiKind } from "./policy-input.ts";

type ListedModel = NonNullable<PolicyDecision["models"]>[number];

/**
 * The model listing the gateway answers itself, in the shape of the caller's API, with only what
 * the policy lets this caller use: the whole list (GET /v1/models), or one model
 * (GET /v1/models/{id}), which is "not found" when the policy does not list it for this caller,
 * exactly as for a model that does not exist. Nothing here has a creation date, so the dates are
 * the epoch.
 */
export function modelListResponse(
  models: readonly ListedModel[],
  api: ApiKind,
  listedModel: string | undefined,
  requestId: string,
): RespondAction {
  if (listedModel === undefined) return jsonResponse(listBody(models, api), requestId);
  const model = models.find((candidate) => candidate.id === listedModel);
  if (!model) {
    return callerErrorResponse(
      {
        code: "model_not_found",
        message: `the model '${listedModel}' does not exist or this key may not use it`,
      },
      api,
      requestId,
    );
  }
  return jsonResponse(modelBody(model, api), requestId);
}

function listBody(models: readonly ListedModel[], api: ApiKind): unknown {
  const data = models.map((model) => modelBody(model, api));
  switch (api) {
    case "anthropic.models":
      return {
        data,
        has_more: false,
        first_id: models[0]?.id ?? null,
        last_id: models.at(-1)?.id ?? null,
      };
    case "gemini.models":
      return { models: data };
    default:
      return { object: "list", data };
  }
}

function modelBody(model: ListedModel, api: ApiKind): unknown {
  switch (api) {
    case "anthropic.models":
      return { type: "model", id: model.id, display_name: model.id, created_at: "1970-01-01T00:00:00Z" };
    case "gemini.models":
      return {
        name: `models/${model.id}`,
        displayName: model.id,
        supportedGenerationMethods: ["generateContent", "streamGenerateContent"],
      };
    default:
      return { id: model.id, object: "model", created: 0, owned_by: model.owned_by };
  }
}

function jsonResponse(body: unknown, requestId: string): RespondAction {
  return {
    kind: "respond",
    status: 200,
    headers: [
      { name: "content-type", value: "application/json" },
      { name: "x-request-id", value: requestId },
    ],
    body: Buffer.from(JSON.stringify(body)),
    details: "gateway_model_list",
  };
}
