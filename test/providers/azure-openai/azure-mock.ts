import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerChat } from "./azure-chat-answer.ts";
import { AzureApiError, sendAzureError } from "./azure-error.ts";

/**
 * A small Azure OpenAI resource for tests. It refuses what Azure refuses, in Azure's error shape:
 * a path that is not `/openai/deployments/{deployment}/{operation}`, a missing or unknown
 * `api-version`, a missing or wrong `api-key` (401; a bearer token is not a key), an unknown
 * deployment. Chat completions on a known deployment echo the last user message, JSON or SSE.
 */

export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface AzureMockOptions {
  host?: string;
  port?: number;
  /** The resource key that `api-key` must carry. */
  apiKey: string;
  /** The `api-version` values the resource accepts. */
  apiVersions?: readonly string[];
  /** Deployment name → the model version it answers as (Azure names the model, not the deployment). */
  deployments?: Readonly<Record<string, string>>;
}

export interface AzureMock {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const ROUTE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;
const DEFAULT_DEPLOYMENTS: Readonly<Record<string, string>> = { "gpt-4o": "gpt-4o-2024-08-06" };
const DEFAULT_VERSIONS = ["2024-10-21"];

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Checks in Azure's order (route, version, key, deployment) and answers, or throws AzureApiError. */
function serve(req: IncomingMessage, body: Buffer, res: ServerResponse, options: AzureMockOptions): void {
  const url = new URL(req.url ?? "/", "http://resource.invalid");
  const match = ROUTE.exec(url.pathname);
  if (!match?.[1] || !match[2] || req.method !== "POST") {
    throw new AzureApiError(404, "404", "Resource not found");
  }
  const version = url.searchParams.get("api-version");
  if (version === null) throw new AzureApiError(404, "404", "Resource not found");
  if (!(options.apiVersions ?? DEFAULT_VERSIONS).includes(version)) {
    throw new AzureApiError(400, "BadRequest", "API version not supported");
  }
  if (req.headers["api-key"] !== options.apiKey) {
    throw new AzureApiError(
      401,
      "401",
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    );
  }
  const deployment = decodeURIComponent(match[1]);
  const modelVersion = (options.deployments ?? DEFAULT_DEPLOYMENTS)[deployment];
  if (modelVersion === undefined) {
    throw new AzureApiError(
      404,
      "DeploymentNotFound",
      "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
    );
  }
  if (match[2] !== "chat/completions") {
    throw new AzureApiError(
      400,
      "OperationNotSupported",
      `The ${match[2]} operation does not work with the specified model, ${modelVersion}. Please choose different model and try again.`,
    );
  }
  answerChat(body, res, modelVersion);
}

export async function startAzureMock(options: AzureMockOptions): Promise<AzureMock> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        requests.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body });
        serve(req, body, res, options);
      })
      .catch((error: unknown) => {
        if (res.headersSent) res.destroy();
        else if (error instanceof AzureApiError) sendAzureError(res, error);
        else sendAzureError(res, new AzureApiError(500, "InternalServerError", "The server had an error."));
      });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (SDK clients pool them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
