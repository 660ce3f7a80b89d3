import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type {
  BodySendMode,
  ClusterEndpoint,
  ExtProcFilterSettings,
  HarnessConfig,
  HeaderMatcher,
  HeaderSendMode,
  HeaderStringMatch,
  RouteAction,
  RouteConfig,
  RouteEntry,
  VirtualHost,
} from "./harness-config.ts";

const HCM_TYPE = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const EXT_PROC_TYPE = "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
// Envoy's own defaults, used when the file leaves a field out.
const DEFAULT_BUFFER_LIMIT = 1024 * 1024;
const DEFAULT_MESSAGE_TIMEOUT_MS = 200;
const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
function bool(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (isObj(value) && typeof value.value === "boolean") return value.value;
  return fallback;
}
function num(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (isObj(value)) return num(value.value, fallback);
  return fallback;
}

/** Parses a protobuf Duration as written in YAML ("5s", "0.25s", or {seconds, nanos}). */
export function durationToMs(value: unknown, fallback: number): number {
  if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return match?.[1] === undefined ? fallback : Math.round(Number(match[1]) * 1000);
  }
  if (isObj(value)) return num(value.seconds, 0) * 1000 + Math.round(num(value.nanos, 0) / 1e6);
  return fallback;
}

function typeName(typedConfig: Obj): string {
  return (str(typedConfig["@type"]) ?? "").replace(/^type\.googleapis\.com\//, "");
}

function headerMode(value: unknown, fallback: HeaderSendMode): HeaderSendMode {
  return value === "SEND" || value === "SKIP" ? value : fallback;
}
function bodyMode(value: unknown): BodySendMode {
  return value === "STREAMED" || value === "BUFFERED" || value === "BUFFERED_PARTIAL" ? value : "NONE";
}

function readExtProc(config: Obj): ExtProcFilterSettings {
  const mode = obj(config.processing_mode);
  const statusOnError = num(obj(config.status_on_error).code, 500);
  return {
    processingMode: {
      requestHeaderMode: headerMode(mode.request_header_mode, "SEND"),
      responseHeaderMode: headerMode(mode.response_header_mode, "SEND"),
      requestBodyMode: bodyMode(mode.request_body_mode),
      responseBodyMode: bodyMode(mode.response_body_mode),
      requestTrailerMode: headerMode(mode.request_trailer_mode, "SKIP"),
      responseTrailerMode: headerMode(mode.response_trailer_mode, "SKIP"),
    },
    messageTimeoutMs: durationToMs(config.message_timeout, DEFAULT_MESSAGE_TIMEOUT_MS),
    failureModeAllow: bool(config.failure_mode_allow, false),
    allowModeOverride: bool(config.allow_mode_override, false),
    statusOnError: statusOnError > 0 ? statusOnError : 500,
    disallowIsError: bool(obj(config.mutation_rules).disallow_is_error, false),
  };
}

function readStringMatch(header: Obj): HeaderStringMatch {
  const sm = obj(header.string_match);
  const exact = str(sm.exact) ?? str(header.exact_match);
  if (exact !== undefined) return { kind: "exact", value: exact };
  const prefix = str(sm.prefix) ?? str(header.prefix_match);
  if (prefix !== undefined) return { kind: "prefix", value: prefix };
  const suffix = str(sm.suffix) ?? str(header.suffix_match);
  if (suffix !== undefined) return { kind: "suffix", value: suffix };
  const contains = str(sm.contains) ?? str(header.contains_match);
  if (contains !== undefined) return { kind: "contains", value: contains };
  return { kind: "present", present: bool(header.present_match, true) };
}

function readRoute(route: Obj): RouteEntry {
  const match = obj(route.match);
  const headers: HeaderMatcher[] = list(match.headers).map((h) => {
    const header = obj(h);
    return {
      name: (str(header.name) ?? "").toLowerCase(),
      match: readStringMatch(header),
      invert: bool(header.invert_match, false),
    };
  });
  let action: RouteAction;
  if (isObj(route.direct_response)) {
    const direct = route.direct_response;
    action = {
      kind: "direct_response",
      status: num(direct.status, 200),
      body: str(obj(direct.body).inline_string) ?? "",
    };
  } else {
    const r = obj(route.route);
    action = {
      kind: "cluster",
      cluster: str(r.cluster) ?? "",
      timeoutMs: durationToMs(r.timeout, DEFAULT_ROUTE_TIMEOUT_MS),
      ...(str(r.host_rewrite_literal) === undefined
        ? {}
        : { hostRewriteLiteral: str(r.host_rewrite_literal) }),
      ...(str(r.prefix_rewrite) === undefined ? {} : { prefixRewrite: str(r.prefix_rewrite) }),
    };
  }
  return {
    match: {
      ...(str(match.prefix) === undefined ? {} : { prefix: str(match.prefix) }),
      ...(str(match.path) === undefined ? {} : { path: str(match.path) }),
      headers,
    },
    action,
  };
}

function lowerList(value: unknown): string[] {
  return list(value)
    .map(str)
    .filter((s): s is string => s !== undefined)
    .map((s) => s.toLowerCase());
}

function readRouteConfig(hcm: Obj): RouteConfig {
  const rc = obj(hcm.route_config);
  const virtualHosts: VirtualHost[] = list(rc.virtual_hosts).map((v) => {
    const vh = obj(v);
    return {
      name: str(vh.name) ?? "",
      domains: lowerList(vh.domains),
      requestHeadersToRemove: lowerList(vh.request_headers_to_remove),
      routes: list(vh.routes).map((r) => readRoute(obj(r))),
    };
  });
  return { requestHeadersToRemove: lowerList(rc.request_headers_to_remove), virtualHosts };
}

function readCluster(cluster: Obj): ClusterEndpoint | undefined {
  const endpoints = list(obj(cluster.load_assignment).endpoints);
  const lb = obj(list(obj(endpoints[0]).lb_endpoints)[0]);
  const socket = obj(obj(obj(obj(lb.endpoint).address)).socket_address);
  const address = str(socket.address);
  if (address === undefined) return undefined;
  const scheme = isObj(cluster.transport_socket) ? "https" : "http";
  return { url: `${scheme}://${address}:${num(socket.port_value, scheme === "https" ? 443 : 80)}` };
}

/** Reads the listener, connection manager, ext_proc filter and clusters the harness emulates. */
export function parseEnvoyConfig(text: string): HarnessConfig {
  const root = obj(parse(text));
  const resources = obj(root.static_resources);
  const listener = obj(list(resources.listeners)[0]);
  let hcm: Obj | undefined;
  for (const chain of list(listener.filter_chains)) {
    for (const filter of list(obj(chain).filters)) {
      const typed = obj(obj(filter).typed_config);
      if (typeName(typed) === HCM_TYPE) hcm = typed;
    }
  }
  if (hcm === undefined) throw new Error("envoy config: no http_connection_manager on the first listener");
  const extProcFilter = list(hcm.http_filters)
    .map((f) => obj(obj(f).typed_config))
    .find((typed) => typeName(typed) === EXT_PROC_TYPE);
  if (extProcFilter === undefined) throw new Error("envoy config: no ext_proc http filter");
  const clusters: Record<string, ClusterEndpoint> = {};
  for (const c of list(resources.clusters)) {
    const cluster = obj(c);
    const name = str(cluster.name);
    const endpoint = readCluster(cluster);
    if (name !== undefined && endpoint !== undefined) clusters[name] = endpoint;
  }
  return {
    bufferLimitBytes: num(listener.per_connection_buffer_limit_bytes, DEFAULT_BUFFER_LIMIT),
    generateRequestId: bool(hcm.generate_request_id, true),
    preserveExternalRequestId: bool(hcm.preserve_external_request_id, false),
    alwaysSetRequestIdInResponse: bool(hcm.always_set_request_id_in_response, false),
    routeConfig: readRouteConfig(hcm),
    extProc: readExtProc(extProcFilter),
    clusters,
  };
}

export async function readEnvoyConfig(path: string): Promise<HarnessConfig> {
  return parseEnvoyConfig(await readFile(path, "utf8"));
}
