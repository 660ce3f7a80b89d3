import type { ServerResponse } from "node:http";

/**
 * An error as Azure OpenAI's data plane answers it: `{ error: { code, message } }`, where `code`
 * is a word ("DeploymentNotFound") or, for the gateway-level refusals (401, 404), the status.
 */
export class AzureApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendAzureError(res: ServerResponse, error: AzureApiError): void {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.writeHead(error.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
