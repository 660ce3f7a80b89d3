import type { ServerResponse } from "node:http";
import { sendJson as sendMockJson } from "../mock-server/send-json.ts";

/** Anthropic stamps every answer, errors included, with a `request-id` header. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendMockJson(res, status, body, { ...headers, "request-id": requestId });
}
