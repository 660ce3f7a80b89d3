import type { BodyBuffer } from "./body-buffer.ts";
import type { ClusterEndpoint, WeightedCluster } from "./harness-config.ts";
import type { HeaderMap } from "./header-map.ts";
import { localReplySource } from "./local-reply.ts";
import type { OutlierDetectors } from "./outlier-detection.ts";
import type { SelectedRoute } from "./route-table.ts";
import { runAttempts } from "./router-attempts.ts";
import type { AttemptRequest } from "./upstream-attempt.ts";

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

export interface ForwardOptions {
  route: SelectedRoute | undefined;
  routeConfigHeadersToRemove: string[];
  requestHeaders: HeaderMap;
  requestBody: Buffer | undefined;
  clusters: Record<string, ClusterEndpoint>;
  /** Aggregate cluster -> member clusters in priority order. */
  aggregateClusters?: Record<string, string[]>;
  bufferLimitBytes: number;
  /** Builds the context of an upstream ext_proc filter; required when a cluster has upstream filters. */
  upstreamFilterContext?: AttemptRequest["filterContext"];
  /** The outlier detectors of the clusters, shared by every request. */
  outliers: OutlierDetectors;
  /** The random value Envoy draws for the request (stream id); weighted_clusters uses it. */
  randomValue: () => number;
}

/** WeightedClusterEntry selection: random value modulo the total weight, then the running sums. */
function pickWeightedCluster(clusters: readonly WeightedCluster[], randomValue: number): string {
  const total = clusters.reduce((sum, cluster) => sum + cluster.weight, 0);
  const selected = total > 0 ? randomValue % total : 0;
  let end = 0;
  for (const cluster of clusters) {
    end += cluster.weight;
    if (selected < end) return cluster.name;
  }
  return clusters.at(-1)?.name ?? "";
}

/**
 * The priority levels behind a route's cluster: the cluster itself, or the members of an aggregate
 * cluster that have an endpoint. undefined: no such cluster.
 */
function priorityLevels(options: ForwardOptions, name: string): string[] | undefined {
  const hasHosts = (cluster: string) => (options.clusters[cluster]?.url ?? "") !== "";
  const members = options.aggregateClusters?.[name];
  if (members !== undefined) return members.filter(hasHosts);
  if (options.clusters[name] === undefined) return undefined;
  return hasHosts(name) ? [name] : [];
}

/** Envoy's router filter: direct responses, cluster lookup, request finalization, attempts and retries. */
export function forward(options: ForwardOptions): Promise<ResponseSource> {
  const { route, requestHeaders } = options;
  const method = requestHeaders.get(":method") ?? "GET";
  if (route === undefined) return Promise.resolve(localReplySource(404, "", method));
  const action = route.entry.action;
  if (action.kind === "direct_response")
    return Promise.resolve(localReplySource(action.status, action.body, method));
  const clusterName =
    action.weightedClusters === undefined
      ? action.cluster
      : pickWeightedCluster(action.weightedClusters, options.randomValue());
  const levels = priorityLevels(options, clusterName);
  // Router: cluster_not_found_response_code defaults to 503 with an empty body.
  if (levels === undefined) return Promise.resolve(localReplySource(503, "", method));
  if (levels.length === 0) return Promise.resolve(localReplySource(503, "no healthy upstream", method));

  // finalizeRequestHeaders and the rewrites happen once, on the map every attempt then shares.
  const headers = requestHeaders.clone();
  const toRemove = new Set([
    ...options.routeConfigHeadersToRemove,
    ...route.virtualHost.requestHeadersToRemove,
  ]);
  headers.removeIf((name) => toRemove.has(name) || isHopByHop(name));
  if (action.hostRewriteLiteral !== undefined) headers.set(":authority", action.hostRewriteLiteral);
  const path = headers.get(":path") ?? "/";
  if (action.prefixRewrite !== undefined && route.entry.match.prefix !== undefined) {
    headers.set(":path", action.prefixRewrite + path.slice(route.entry.match.prefix.length));
  }
  return runAttempts({
    headers,
    body: options.requestBody,
    levels,
    clusters: options.clusters,
    virtualHost: route.virtualHost,
    timeoutMs: action.timeoutMs,
    retryPolicy: action.retryPolicy,
    bufferLimitBytes: options.bufferLimitBytes,
    outliers: options.outliers,
    filterContext:
      options.upstreamFilterContext ??
      (() => {
        throw new Error("a cluster has upstream filters but the harness has no processor for them");
      }),
  });
}
