import http from "node:http";
import https from "node:https";
import { BodyBuffer } from "./body-buffer.ts";
import { HeaderMap } from "./header-map.ts";
import type { ResponseSource } from "./router.ts";
import { isHopByHop } from "./router.ts";

/** Envoy's Http::Utility::resetReasonToString for the resets the harness can observe. */
export type ResetReason = "remote connection failure" | "connection termination" | "local reset";

export type UpstreamOutcome =
  | { kind: "response"; source: ResponseSource }
  | { kind: "reset"; reason: ResetReason; transportFailure: string };

export interface UpstreamCall {
  outcome: Promise<UpstreamOutcome>;
  abort(): void;
}

/**
 * The upstream codec: one HTTP/1.1 request to the cluster's endpoint, built from the header map as
 * the upstream filters left it (`:method`, `:path`, `:authority` included).
 */
export function sendUpstream(
  baseUrl: string,
  headers: HeaderMap,
  body: Buffer | undefined,
  bufferLimitBytes: number,
): UpstreamCall {
  const base = new URL(baseUrl);
  const method = headers.get(":method") ?? "GET";
  const authority = headers.get(":authority") ?? "";
  const nodeHeaders = headers.toNodeHeaders();
  nodeHeaders.host = authority;
  const transport = base.protocol === "https:" ? https : http;
  const request = transport.request({
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    method,
    path: headers.get(":path") ?? "/",
    headers: nodeHeaders,
    ...(base.protocol === "https:" ? { servername: authority.replace(/:\d+$/, "") } : {}),
  });
  let connected = false;
  request.on("socket", (socket) => {
    if (!socket.connecting) connected = true;
    else
      socket.once("connect", () => {
        connected = true;
      });
  });
  const outcome = new Promise<UpstreamOutcome>((resolve) => {
    request.on("response", (res) => {
      const status = res.statusCode ?? 502;
      const map = HeaderMap.fromRawHeaders(res.rawHeaders);
      map.removeIf(isHopByHop);
      map.add(":status", String(status));
      const lengthHeader = res.headers["content-length"];
      const contentLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
      const noBody = method === "HEAD" || status === 204 || status === 304 || contentLength === 0;
      const responseBody = new BodyBuffer(noBody ? undefined : res, bufferLimitBytes, contentLength);
      if (noBody) res.resume();
      resolve({
        kind: "response",
        source: { headers: map, noBody, body: responseBody, abort: () => request.destroy() },
      });
    });
    request.on("error", (error) => {
      // A failure to connect is a connection failure (retry_on connect-failure); anything after
      // the connection was up is a reset of the stream.
      const reason: ResetReason = connected ? "connection termination" : "remote connection failure";
      resolve({ kind: "reset", reason, transportFailure: error.message });
    });
  });
  if (body !== undefined && body.length > 0) request.end(body);
  else request.end();
  return { outcome, abort: () => request.destroy() };
}
