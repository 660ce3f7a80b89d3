import type { ServerResponse } from "node:http";

/** A whole JSON answer with its length; `headers` are the provider's own stamps (request ids). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": payload.length,
  });
  res.end(payload);
}
