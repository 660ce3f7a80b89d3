import http from "node:http";
import https from "node:https";
import { BodyBuffer } from "./body-buffer.ts";
import type { ClusterEndpoint } from "./harness-config.ts";
import { HeaderMap } from "./header-map.ts";
import type { SelectedRoute } from "./route-table.ts";

/** A response about to enter the encoder filters: from an upstream, or a local reply of the router. */
export interface ResponseSource {
  headers: HeaderMap;
  /** Headers carry end_of_stream (204/304, HEAD, content-length: 0). */
  noBody: boolean;
  body: BodyBuffer;
  abort(): void;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
]);

export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name);
}

function localSource(status: number, body: string, requestMethod: string): ResponseSource {
  const headers = HeaderMap.fromEntries([[":status", String(status)]]);
  const bytes = Buffer.from(body);
  if (bytes.length > 0) headers.set("content-type", "text/plain");
  headers.set("content-length", String(bytes.length));
  const noBody = bytes.length === 0 || requestMethod === "HEAD";
  return { headers, noBody, body: BodyBuffer.fixed(noBody ? Buffer.alloc(0) : bytes), abort: () => {} };
}

export interface ForwardOptions {
  route: SelectedRoute | undefined;
  routeConfigHeadersToRemove: string[];
  requestHeaders: HeaderMap;
  requestBody: Buffer | undefined;
  clusters: Record<string, ClusterEndpoint>;
  bufferLimitBytes: number;
}

/** Envoy's router filter: direct responses, cluster lookup, one HTTP/1.1 upstream request. */
export function forward(options: ForwardOptions): Promise<ResponseSource> {
  const { route, requestHeaders } = options;
  const method = requestHeaders.get(":method") ?? "GET";
  if (route === undefined) return Promise.resolve(localSource(404, "", method));
  const action = route.entry.action;
  if (action.kind === "direct_response")
    return Promise.resolve(localSource(action.status, action.body, method));
  const endpoint = options.clusters[action.cluster];
  // Router: cluster_not_found_response_code defaults to 503 with an empty body.
  if (endpoint === undefined) return Promise.resolve(localSource(503, "", method));

  const headers = requestHeaders.clone();
  const toRemove = new Set([
    ...options.routeConfigHeadersToRemove,
    ...route.virtualHost.requestHeadersToRemove,
  ]);
  headers.removeIf((name) => toRemove.has(name) || isHopByHop(name));
  const authority = action.hostRewriteLiteral ?? requestHeaders.get(":authority") ?? "";
  let path = requestHeaders.get(":path") ?? "/";
  if (action.prefixRewrite !== undefined && route.entry.match.prefix !== undefined) {
    path = action.prefixRewrite + path.slice(route.entry.match.prefix.length);
  }
  if (action.timeoutMs > 0) headers.set("x-envoy-expected-rq-timeout-ms", String(action.timeoutMs));
  const nodeHeaders = headers.toNodeHeaders();
  nodeHeaders.host = authority;

  const base = new URL(endpoint.url);
  const started = Date.now();
  return new Promise((resolve) => {
    const transport = base.protocol === "https:" ? https : http;
    const upstream = transport.request({
      protocol: base.protocol,
      hostname: base.hostname,
      port: base.port,
      method,
      path,
      headers: nodeHeaders,
      ...(base.protocol === "https:" ? { servername: authority.replace(/:\d+$/, "") } : {}),
    });
    let answered = false;
    const timer =
      action.timeoutMs > 0
        ? setTimeout(() => {
            upstream.destroy(new Error("upstream request timeout"));
            if (!answered) {
              answered = true;
              resolve(localSource(504, "upstream request timeout", method));
            }
          }, action.timeoutMs)
        : undefined;
    upstream.on("response", (res) => {
      if (answered) return;
      answered = true;
      const status = res.statusCode ?? 502;
      const map = HeaderMap.fromRawHeaders(res.rawHeaders);
      map.removeIf(isHopByHop);
      map.add(":status", String(status));
      map.set("x-envoy-upstream-service-time", String(Date.now() - started));
      const lengthHeader = res.headers["content-length"];
      const contentLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
      const noBody = method === "HEAD" || status === 204 || status === 304 || contentLength === 0;
      const body = new BodyBuffer(noBody ? undefined : res, options.bufferLimitBytes, contentLength);
      if (noBody) res.resume();
      res.on("close", () => clearTimeout(timer));
      resolve({ headers: map, noBody, body, abort: () => upstream.destroy() });
    });
    upstream.on("error", (error) => {
      clearTimeout(timer);
      if (answered) return;
      answered = true;
      resolve(
        localSource(
          503,
          `upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: ${error.message}`,
          method,
        ),
      );
    });
    if (options.requestBody !== undefined && options.requestBody.length > 0)
      upstream.end(options.requestBody);
    else upstream.end();
  });
}
