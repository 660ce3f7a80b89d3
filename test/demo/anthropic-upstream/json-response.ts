import type { ServerResponse } from "node:http";

/** Anthropic stamps every answer, errors included, with a `request-id` header. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": payload.length,
    "request-id": requestId,
  });
  res.end(payload);
}
