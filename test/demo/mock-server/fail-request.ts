import type { ServerResponse } from "node:http";

/**
 * Answers a failed request with the provider's error, unless the answer has already begun: the
 * status line is gone by then, so dropping the connection is the only failure a client can see.
 */
export function failRequest(res: ServerResponse, sendError: () => void): void {
  if (res.headersSent) res.destroy();
  else sendError();
}
