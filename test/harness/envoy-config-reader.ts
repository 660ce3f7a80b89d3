import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { readClusters } from "./cluster-config-reader.ts";
import { EXT_PROC_TYPE, readExtProc } from "./ext-proc-config-reader.ts";
import type {
  HarnessConfig,
  HeaderMatcher,
  HeaderStringMatch,
  RouteAction,
  RouteConfig,
  RouteEntry,
  VirtualHost,
} from "./harness-config.ts";
import { readRetryPolicy } from "./retry-policy-reader.ts";
import {
  bool,
  durationToMs,
  isObj,
  list,
  lowerList,
  num,
  type Obj,
  obj,
  str,
  typeName,
} from "./yaml-values.ts";

const HCM_TYPE = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
// Envoy's own defaults, used when the file leaves a field out.
const DEFAULT_BUFFER_LIMIT = 1024 * 1024;
const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;

export { durationToMs } from "./yaml-values.ts";

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
    const weighted = list(obj(r.weighted_clusters).clusters).map((c) => ({
      name: str(obj(c).name) ?? "",
      weight: num(obj(c).weight, 0),
    }));
    action = {
      kind: "cluster",
      cluster: str(r.cluster) ?? "",
      ...(weighted.length > 0 ? { weightedClusters: weighted } : {}),
      timeoutMs: durationToMs(r.timeout, DEFAULT_ROUTE_TIMEOUT_MS),
      ...(str(r.host_rewrite_literal) === undefined
        ? {}
        : { hostRewriteLiteral: str(r.host_rewrite_literal) }),
      ...(str(r.prefix_rewrite) === undefined ? {} : { prefixRewrite: str(r.prefix_rewrite) }),
    };
    const retryPolicy = readRetryPolicy(r);
    if (retryPolicy !== undefined) action.retryPolicy = retryPolicy;
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

function readRouteConfig(hcm: Obj): RouteConfig {
  const rc = obj(hcm.route_config);
  const virtualHosts: VirtualHost[] = list(rc.virtual_hosts).map((v) => {
    const vh = obj(v);
    return {
      name: str(vh.name) ?? "",
      domains: lowerList(vh.domains),
      requestHeadersToRemove: lowerList(vh.request_headers_to_remove),
      routes: list(vh.routes).map((r) => readRoute(obj(r))),
      includeRequestAttemptCount: bool(vh.include_request_attempt_count, false),
      includeAttemptCountInResponse: bool(vh.include_attempt_count_in_response, false),
    };
  });
  return { requestHeadersToRemove: lowerList(rc.request_headers_to_remove), virtualHosts };
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
  const { clusters, aggregateClusters } = readClusters(resources.clusters);
  return {
    bufferLimitBytes: num(listener.per_connection_buffer_limit_bytes, DEFAULT_BUFFER_LIMIT),
    generateRequestId: bool(hcm.generate_request_id, true),
    preserveExternalRequestId: bool(hcm.preserve_external_request_id, false),
    alwaysSetRequestIdInResponse: bool(hcm.always_set_request_id_in_response, false),
    routeConfig: readRouteConfig(hcm),
    extProc: readExtProc(extProcFilter),
    clusters,
    aggregateClusters,
  };
}

export async function readEnvoyConfig(path: string): Promise<HarnessConfig> {
  return parseEnvoyConfig(await readFile(path, "utf8"));
}
