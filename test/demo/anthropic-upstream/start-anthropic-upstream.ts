import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AnthropicApiError, invalidRequest, sendError } from "./api-error.ts";
import { anthropicId } from "./ids.ts";
import { createMessage } from "./messages-handler.ts";

/**
 * The HTTP server: reads and records each request, checks the path, method, API key and
 * anthropic-version header the way Anthropic does, then hands the body to the Messages handler and
 * turns a thrown AnthropicApiError into Anthropic's error response.
 */

export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface AnthropicUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry `x-api-key: <apiKey>` (lets tests prove credential injection). */
  apiKey?: string;
  /** Defaults to true; a long-running demo turns it off so memory stays flat. */
  record?: boolean;
}

export interface AnthropicUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

// Anthropic's own limit for a Messages request body.
const MAX_BODY_BYTES = 32 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () =>
      resolve(size > MAX_BODY_BYTES ? Buffer.alloc(MAX_BODY_BYTES + 1) : Buffer.concat(chunks)),
    );
    req.on("error", reject);
  });
}

function checkHeaders(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey !== undefined) {
    // Anthropic takes the key as x-api-key; recent official SDKs send it as a bearer token instead.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const key = req.headers["x-api-key"] ?? bearer;
    if (key === undefined)
      throw new AnthropicApiError(401, "authentication_error", "x-api-key header is required");
    if (key !== apiKey) throw new AnthropicApiError(401, "authentication_error", "invalid x-api-key");
  }
  if (req.headers["anthropic-version"] === undefined)
    throw invalidRequest("anthropic-version: header is required");
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: AnthropicUpstreamOptions,
  log: RecordedRequest[],
): Promise<void> {
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const body = await readBody(req);
  if (options.record !== false) log.push({ method, path, headers: req.headers, body });
  const requestId = anthropicId("req");
  try {
    if (body.length > MAX_BODY_BYTES)
      throw new AnthropicApiError(
        413,
        "request_too_large",
        "Request exceeds the maximum allowed number of bytes.",
      );
    const pathname = new URL(path, "http://upstream.invalid").pathname;
    if (pathname !== "/v1/messages") throw new AnthropicApiError(404, "not_found_error", "Not Found");
    if (method !== "POST") throw new AnthropicApiError(405, "invalid_request_error", "Method Not Allowed");
    checkHeaders(req, options.apiKey);
    await createMessage(body, res, requestId);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const apiError =
      error instanceof AnthropicApiError
        ? error
        : new AnthropicApiError(500, "api_error", "Internal server error");
    sendError(res, apiError, requestId);
  }
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startAnthropicUpstream(
  options: AnthropicUpstreamOptions = {},
): Promise<AnthropicUpstream> {
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
