import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkModel, type GenerateCall, generateContent } from "./generate-content.ts";
import { errorInfo, GoogleApiError, sendGoogleError } from "./google-error.ts";

/**
 * The HTTP server: reads and records each request, then checks what Gemini checks, in its order
 * (path and method, API key, model) before the body, and turns a thrown GoogleApiError into
 * Google's error answer.
 */

export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface GeminiUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry it in `x-goog-api-key` or the `key` query parameter. */
  apiKey?: string;
}

export interface GeminiUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROUTE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

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

function checkApiKey(req: IncomingMessage, url: URL, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers["x-goog-api-key"];
  const given = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key") ?? undefined;
  if (given === undefined || given === "") {
    throw new GoogleApiError(
      "PERMISSION_DENIED",
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  // Google answers a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID, not 401.
  if (given !== apiKey) {
    throw new GoogleApiError("INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
      errorInfo("API_KEY_INVALID"),
    ]);
  }
}

function route(req: IncomingMessage, url: URL): GenerateCall {
  const match = ROUTE.exec(url.pathname);
  if (!match?.[1] || !match[2] || req.method !== "POST") {
    throw new GoogleApiError("NOT_FOUND", `The requested URL ${url.pathname} was not found on this server.`);
  }
  return {
    model: decodeURIComponent(match[1]),
    stream: match[2] === "streamGenerateContent",
    sse: url.searchParams.get("alt") === "sse",
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: GeminiUpstreamOptions,
  log: RecordedRequest[],
) {
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const body = await readBody(req);
  log.push({ method, path, headers: req.headers, body });
  try {
    if (body.length > MAX_BODY_BYTES)
      throw new GoogleApiError("INVALID_ARGUMENT", "Request payload size exceeds the limit.");
    const url = new URL(path, "http://upstream.invalid");
    const call = route(req, url);
    checkApiKey(req, url, options.apiKey);
    checkModel(call.model, call.stream ? "streamGenerateContent" : "generateContent");
    await generateContent(body, res, call);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendGoogleError(
      res,
      error instanceof GoogleApiError
        ? error
        : new GoogleApiError("INTERNAL", "An internal error has occurred."),
    );
  }
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startGeminiUpstream(options: GeminiUpstreamOptions = {}): Promise<GeminiUpstream> {
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
