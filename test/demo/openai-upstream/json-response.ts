import type { ServerResponse } from "node:http";
import { newId } from "./response-stamps.ts";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": payload.length,
    "x-request-id": newId("req_"),
  });
  res.end(payload);
}
