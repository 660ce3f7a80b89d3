import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, sendError } from "./api-error.ts";
import { findRoute } from "./route-table.ts";

/**
 * The HTTP server: reads and records each request, checks the method, path and API key the way
 * OpenAI does, then hands the body to the route's handler and turns a thrown ApiError into
 * OpenAI's error response.
 */

export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface DemoUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (lets tests prove credential injection). */
  apiKey?: string;
  /** Defaults to true; a long-running demo turns it off so memory stays flat. */
  record?: boolean;
}

export interface DemoUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

// Generous, but bounded so a runaway client cannot exhaust the demo's memory.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function checkAuthorization(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (header !== `Bearer ${apiKey}`) {
    throw new ApiError(401, "Incorrect API key provided.", null, "invalid_api_key");
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: DemoUpstreamOptions,
  log: RecordedRequest[],
) {
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const body = await readBody(req);
  if (options.record !== false) log.push({ method, path, headers: req.headers, body });
  try {
    if (body.length > MAX_BODY_BYTES) throw new ApiError(413, "Request body too large.");
    const pathname = new URL(path, "http://upstream.invalid").pathname;
    const route = findRoute(pathname);
    if (!route) throw new ApiError(404, `Invalid URL (${method} ${pathname})`);
    if (route.method !== method) throw new ApiError(405, `Invalid method for URL (${method} ${pathname})`);
    checkAuthorization(req, options.apiKey);
    await route.handler(body, res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ApiError) {
      sendError(res, error);
      return;
    }
    sendError(
      res,
      new ApiError(500, "The server had an error while processing your request.", null, null, "server_error"),
    );
  }
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const host = options.host ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res, options, requests).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (SDK clients pool them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
