import type { ServerResponse } from "node:http";
import { ApiError } from "./api-error.ts";
import { sendJson } from "./json-response.ts";

/** GET /v1/models and GET /v1/models/{id}, over a fixed catalogue. */

export const DEMO_MODELS: readonly string[] = [
  "gpt-4o-mini",
  "gpt-4o",
  "gpt-3.5-turbo-instruct",
  "text-embedding-3-small",
];

function modelObject(id: string): Record<string, unknown> {
  return { id, object: "model", created: 1_700_000_000, owned_by: "demo" };
}

export function listModels(_raw: Buffer, res: ServerResponse): void {
  sendJson(res, 200, { object: "list", data: DEMO_MODELS.map(modelObject) });
}

export function retrieveModel(id: string, res: ServerResponse): void {
  if (!DEMO_MODELS.includes(id)) {
    throw new ApiError(404, `The model '${id}' does not exist`, "model", "model_not_found");
  }
  sendJson(res, 200, modelObject(id));
}
