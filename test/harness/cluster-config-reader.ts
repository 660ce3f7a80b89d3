import { EXT_PROC_TYPE, readExtProc } from "./ext-proc-config-reader.ts";
import type { ClusterEndpoint, OutlierDetectionSettings, UpstreamFilterSettings } from "./harness-config.ts";
import { durationToMs, isObj, list, num, type Obj, obj, str, typeName } from "./yaml-values.ts";

const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
const AGGREGATE_TYPE = "envoy.extensions.clusters.aggregate.v3.ClusterConfig";
const UPSTREAM_CODEC_TYPE = "envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec";

export interface ClusterSet {
  clusters: Record<string, ClusterEndpoint>;
  aggregateClusters: Record<string, string[]>;
}

/**
 * The cluster's upstream HTTP filters. Envoy requires the list to end with the upstream codec;
 * every other entry must be an ext_proc filter here, since that is the only one the harness runs.
 */
function readUpstreamFilters(cluster: Obj, name: string): UpstreamFilterSettings[] | undefined {
  const options = obj(obj(cluster.typed_extension_protocol_options)[HTTP_PROTOCOL_OPTIONS]);
  const filters = list(options.http_filters).map(obj);
  if (filters.length === 0) return undefined;
  const last = filters.at(-1);
  if (last === undefined || typeName(obj(last.typed_config)) !== UPSTREAM_CODEC_TYPE)
    throw new Error(`envoy config: cluster ${name}: http_filters must end with the upstream codec`);
  return filters.slice(0, -1).map((filter) => {
    const typed = obj(filter.typed_config);
    if (typeName(typed) !== EXT_PROC_TYPE)
      throw new Error(`envoy config: cluster ${name}: the harness runs only ext_proc upstream filters`);
    const metadata = list(obj(typed.grpc_service).initial_metadata).map((m): [string, string] => [
      (str(obj(m).key) ?? "").toLowerCase(),
      str(obj(m).value) ?? "",
    ]);
    return { ...readExtProc(typed), name: str(filter.name) ?? "", initialMetadata: metadata };
  });
}

function readEndpointUrl(cluster: Obj): string | undefined {
  const endpoints = list(obj(cluster.load_assignment).endpoints);
  const lb = obj(list(obj(endpoints[0]).lb_endpoints)[0]);
  const socket = obj(obj(obj(obj(lb.endpoint).address)).socket_address);
  const address = str(socket.address);
  if (address === undefined) return undefined;
  const scheme = isObj(cluster.transport_socket) ? "https" : "http";
  return `${scheme}://${address}:${num(socket.port_value, scheme === "https" ? 443 : 80)}`;
}

/** outlier_detection with Envoy's defaults (OutlierDetection proto) for what the file leaves out. */
function readOutlierDetection(cluster: Obj): OutlierDetectionSettings | undefined {
  if (!isObj(cluster.outlier_detection)) return undefined;
  const od = cluster.outlier_detection;
  const known = new Set([
    "consecutive_5xx",
    "consecutive_gateway_failure",
    "enforcing_consecutive_5xx",
    "enforcing_consecutive_gateway_failure",
    "interval",
    "base_ejection_time",
    "max_ejection_time",
    "max_ejection_percent",
  ]);
  const unknown = Object.keys(od).filter((key) => !known.has(key));
  if (unknown.length > 0)
    throw new Error(
      `envoy config: outlier_detection fields the harness does not emulate: ${unknown.join(",")}`,
    );
  return {
    consecutive5xx: num(od.consecutive_5xx, 5),
    consecutiveGatewayFailure: num(od.consecutive_gateway_failure, 5),
    enforcingConsecutive5xx: num(od.enforcing_consecutive_5xx, 100),
    enforcingConsecutiveGatewayFailure: num(od.enforcing_consecutive_gateway_failure, 0),
    intervalMs: durationToMs(od.interval, 10_000),
    baseEjectionTimeMs: durationToMs(od.base_ejection_time, 30_000),
    maxEjectionTimeMs: durationToMs(od.max_ejection_time, 300_000),
    maxEjectionPercent: num(od.max_ejection_percent, 10),
  };
}

/** static_resources.clusters: endpoint clusters (first endpoint only) and aggregate clusters. */
export function readClusters(clusters: unknown): ClusterSet {
  const set: ClusterSet = { clusters: {}, aggregateClusters: {} };
  for (const c of list(clusters)) {
    const cluster = obj(c);
    const name = str(cluster.name);
    if (name === undefined) continue;
    const clusterType = obj(obj(cluster.cluster_type).typed_config);
    if (typeName(clusterType) === AGGREGATE_TYPE) {
      set.aggregateClusters[name] = list(clusterType.clusters)
        .map(str)
        .filter((s): s is string => s !== undefined);
      continue;
    }
    const url = readEndpointUrl(cluster);
    const upstreamFilters = readUpstreamFilters(cluster, name);
    const outlierDetection = readOutlierDetection(cluster);
    // A cluster without an address can still get one from the harness options.
    set.clusters[name] = {
      url: url ?? "",
      ...(upstreamFilters ? { upstreamFilters } : {}),
      ...(outlierDetection ? { outlierDetection } : {}),
    };
  }
  return set;
}
