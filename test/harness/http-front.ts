import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyBuffer } from "./body-buffer.ts";
import { ClientResponse } from "./client-response.ts";
import { ExtProcFilter, type FilterContext } from "./ext-proc-filter.ts";
import type { HarnessConfig } from "./harness-config.ts";
import { HeaderMap } from "./header-map.ts";
import { selectRoute } from "./route-table.ts";
import { type ForwardOptions, forward, isHopByHop } from "./router.ts";

/**
 * The connection manager's request-header work before any filter runs: pseudo-headers from the
 * HTTP/1 request line, hop-by-hop and x-envoy-* headers dropped (an edge request), XFF appended,
 * x-forwarded-proto set, x-request-id generated.
 */
function connectionManagerHeaders(req: IncomingMessage, config: HarnessConfig): HeaderMap {
  const incoming = HeaderMap.fromRawHeaders(req.rawHeaders);
  const headers = HeaderMap.fromEntries([
    [":authority", incoming.get("host") ?? ""],
    [":path", req.url ?? "/"],
    [":method", req.method ?? "GET"],
    [":scheme", "http"],
  ]);
  for (const [name, value] of incoming.toEntries()) {
    if (name === "host" || isHopByHop(name) || name.startsWith("x-envoy-")) continue;
    headers.add(name, value);
  }
  const remote = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1";
  const xff = headers.getAll("x-forwarded-for").join(",");
  headers.set("x-forwarded-for", xff === "" ? remote : `${xff},${remote}`);
  headers.set("x-forwarded-proto", "http");
  if (config.generateRequestId && (!config.preserveExternalRequestId || !headers.has("x-request-id"))) {
    headers.set("x-request-id", randomUUID());
  }
  return headers;
}

/** Envoy's HTTP/1 codec: a request carries no body when it says so, or says nothing and is not chunked. */
function requestHasNoBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) === 0;
  return req.headers["transfer-encoding"] === undefined;
}

/** What the router keeps across requests: outlier detectors, and where its random values come from. */
export type RouterShared = Pick<ForwardOptions, "outliers" | "randomValue">;

export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  config: HarnessConfig,
  filterContext: FilterContext,
  shared: RouterShared,
  upstreamFilterContext?: ForwardOptions["upstreamFilterContext"],
): Promise<void> {
  const headers = connectionManagerHeaders(req, config);
  const requestId = headers.get("x-request-id");
  const downstream = new ClientResponse(res, config.alwaysSetRequestIdInResponse ? requestId : undefined);
  const filter = new ExtProcFilter(filterContext, downstream);
  let abortUpstream: (() => void) | undefined;
  res.on("close", () => {
    if (res.writableFinished) return;
    filter.abort();
    abortUpstream?.();
  });
  const noBody = requestHasNoBody(req);
  const body = new BodyBuffer(noBody ? undefined : req, config.bufferLimitBytes);
  if (noBody) req.resume();
  // Envoy picks the route before the filter chain runs; only clear_route_cache recomputes it.
  let route = selectRoute(config.routeConfig, headers);
  const result = await filter.processRequest(headers, body, noBody, () => {
    route = selectRoute(config.routeConfig, headers);
  });
  if (result.kind === "replied") {
    req.resume();
    return;
  }
  if (downstream.gone) return;
  const source = await forward({
    route,
    routeConfigHeadersToRemove: config.routeConfig.requestHeadersToRemove,
    requestHeaders: headers,
    requestBody: result.body,
    clusters: config.clusters,
    aggregateClusters: config.aggregateClusters,
    bufferLimitBytes: config.bufferLimitBytes,
    ...shared,
    ...(upstreamFilterContext === undefined ? {} : { upstreamFilterContext }),
  });
  abortUpstream = source.abort;
  if (downstream.gone) {
    source.abort();
    return;
  }
  await filter.processResponse(source);
}
