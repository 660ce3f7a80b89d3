import type { ServerResponse } from "node:http";
import { sendJson as sendMockJson } from "../mock-server/send-json.ts";
import { newId } from "./response-stamps.ts";

/** OpenAI stamps every answer, errors included, with an `x-request-id` header. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendMockJson(res, status, body, { "x-request-id": newId("req_") });
}
