import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { ENVOY_PROTO_INCLUDE_DIRS } from "../../proto/envoy-ext-proc.ts";
import {
  ANSWER_HEADER,
  aggregateMembers,
  isAggregate,
  matchedHeader,
  ROUTE_HEADER,
  routeClusters,
} from "./envoy-routes.ts";
import { checkMessage, openProtoLibrary } from "./strict-proto-json.ts";
import { type Doc, obj, objects } from "./yaml-document.ts";

const ENVOY_YAML = new URL("../../envoy/envoy.yaml", import.meta.url);
const EXT_PROC_TYPE = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
const ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
const HCM_TYPE =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const HTTP_OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
const TLS_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
const UPSTREAM_CODEC_TYPE =
  "type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec";
const PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";
const PREVIOUS_PRIORITIES_TYPE =
  "type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig";
const PROVIDER_METADATA = "x-gateway-provider";
const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** The processing modes of both ext_proc filters: the router-level "gateway" and the per-attempt "translate". */
const EXT_PROC_MODES = {
  request_header_mode: "SEND",
  request_body_mode: "BUFFERED",
  request_trailer_mode: "SKIP",
  response_header_mode: "SEND",
  response_body_mode: "BUFFERED",
  response_trailer_mode: "SKIP",
};

function durationSeconds(value: unknown): number {
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  assert.ok(match, `expected a duration in seconds, got ${String(value)}`);
  return Number(match[1]);
}

const bootstrap = obj(parse(fs.readFileSync(ENVOY_YAML, "utf8")), "envoy.yaml");
const resources = obj(bootstrap.static_resources, "static_resources");
const clusters = objects(resources.clusters, "clusters");
const clusterNamed = (name: string): Doc | undefined => clusters.find((cluster) => cluster.name === name);
const listener = objects(resources.listeners, "listeners").find((item) => item.name === "gateway");
assert.ok(listener, "listener named gateway");
const hcmFilter = objects(objects(listener.filter_chains, "filter_chains")[0]?.filters, "filters").find(
  (filter) => obj(filter.typed_config, "typed_config")["@type"] === HCM_TYPE,
);
const hcm = obj(hcmFilter?.typed_config, "http_connection_manager");
const httpFilters = objects(hcm.http_filters, "http_filters");
const virtualHosts = objects(obj(hcm.route_config, "route_config").virtual_hosts, "virtual_hosts");

function socketPort(address: unknown): number {
  return Number(obj(obj(address, "address").socket_address, "socket_address").port_value);
}

const routes = virtualHosts.flatMap((host) => objects(host.routes, "routes"));
const providerClusters = clusters.filter((cluster) => String(cluster.name).startsWith("provider_"));
const aggregateClusters = clusters.filter((cluster) => isAggregate(cluster));
const tlsProviders = providerClusters.filter((cluster) => cluster.transport_socket !== undefined);

/** provider_openai -> openai */
function providerName(cluster: Doc): string {
  return String(cluster.name).replace(/^provider_/, "");
}

function routesTo(clusterName: string): Doc[] {
  return routes.filter(
    (route) =>
      route.route !== undefined && routeClusters(route).some((cluster) => cluster.name === clusterName),
  );
}

function retryPolicy(route: Doc, what: string): Doc {
  return obj(obj(route.route, what).retry_policy, `${what} retry_policy`);
}

function httpProtocolOptions(cluster: Doc): Doc {
  const name = String(cluster.name);
  return obj(
    obj(cluster.typed_extension_protocol_options, `${name} typed_extension_protocol_options`)[
      HTTP_OPTIONS_KEY
    ],
    `${name} HttpProtocolOptions`,
  );
}

/** The single endpoint of a provider cluster: one logical host per provider. */
function clusterEndpoint(cluster: Doc): { host: string; port: number; hostname: unknown } {
  const name = String(cluster.name);
  const endpoints = objects(obj(cluster.load_assignment, `${name} load_assignment`).endpoints, "endpoints");
  assert.equal(endpoints.length, 1, `${name} has one locality group`);
  const lbEndpoints = objects(endpoints[0]?.lb_endpoints, "lb_endpoints");
  assert.equal(lbEndpoints.length, 1, `${name} has one endpoint`);
  const endpoint = obj(lbEndpoints[0]?.endpoint, "endpoint");
  const socket = obj(obj(endpoint.address, "address").socket_address, "socket_address");
  return { host: String(socket.address), port: Number(socket.port_value), hostname: endpoint.hostname };
}

function routeHeaderValue(route: Doc): string | undefined {
  return matchedHeader(route, ROUTE_HEADER);
}

const isStreamRoute = (route: Doc): boolean => matchedHeader(route, ANSWER_HEADER) === "stream";

describe("envoy/envoy.yaml", () => {
  test("decodes as an Envoy v3 Bootstrap with no unknown fields, type errors or validate violations", () => {
    const envoy = openProtoLibrary(ENVOY_PROTO_INCLUDE_DIRS);
    const result = checkMessage(envoy.root, "envoy.config.bootstrap.v3.Bootstrap", bootstrap, {
      resolveType: envoy.resolveType,
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [], "the config uses no deprecated fields");
  });

  test("listens on 10000 with the admin interface on 9901", () => {
    assert.equal(socketPort(listener.address), 10000);
    assert.equal(socketPort(obj(bootstrap.admin, "admin").address), 9901);
  });

  test("limits buffered bodies per connection", () => {
    const limit = listener.per_connection_buffer_limit_bytes;
    assert.ok(
      Number.isInteger(limit) && Number(limit) > 0,
      "per_connection_buffer_limit_bytes is a positive integer",
    );
  });

  test("runs the gateway ext_proc filter, fail-closed, before the router", () => {
    const names = httpFilters.map((filter) => filter.name);
    const gatewayIndex = names.indexOf("gateway");
    assert.notEqual(gatewayIndex, -1, "an http filter named gateway");
    const router = httpFilters.at(-1);
    assert.equal(
      obj(router?.typed_config, "router typed_config")["@type"],
      ROUTER_TYPE,
      "the router is last",
    );
    assert.ok(gatewayIndex < httpFilters.length - 1, "gateway runs before the router");
    const config = obj(httpFilters[gatewayIndex]?.typed_config, "gateway typed_config");
    assert.equal(config["@type"], EXT_PROC_TYPE);
    assert.equal(config.failure_mode_allow, false, "failure_mode_allow is explicitly false");
    assert.equal(config.allow_mode_override, true, "SSE responses switch to STREAMED through mode_override");
    assert.ok(durationSeconds(config.message_timeout) >= 1, "message_timeout is explicit and at least 1s");
  });

  test("sends headers and buffers bodies in both directions, skipping trailers", () => {
    const gateway = httpFilters.find((filter) => filter.name === "gateway");
    const mode = obj(obj(gateway?.typed_config, "gateway typed_config").processing_mode, "processing_mode");
    assert.deepEqual(mode, EXT_PROC_MODES);
  });

  test("reaches the processor over HTTP/2 with a gRPC health check", () => {
    const gateway = httpFilters.find((filter) => filter.name === "gateway");
    const grpcService = obj(obj(gateway?.typed_config, "gateway typed_config").grpc_service, "grpc_service");
    const clusterName = obj(grpcService.envoy_grpc, "envoy_grpc").cluster_name;
    assert.equal(clusterName, "extproc");
    const extproc = clusterNamed("extproc");
    assert.ok(extproc, "cluster extproc exists");
    const options = obj(
      obj(extproc.typed_extension_protocol_options, "protocol options")[HTTP_OPTIONS_KEY],
      "http",
    );
    const explicit = obj(options.explicit_http_config, "explicit_http_config");
    assert.ok("http2_protocol_options" in explicit, "extproc speaks HTTP/2");
    const checks = objects(extproc.health_checks, "health_checks");
    assert.ok(
      checks.some((check) => "grpc_health_check" in check),
      "extproc is health-checked over gRPC",
    );
  });

  test("routes every x-gateway-route value to provider_<value>, or alias-<name> to aggregates alias_<name>[_*]", () => {
    const routed = routes.filter(routeHeaderValue);
    assert.ok(routed.length >= 2, "at least the demo and openai routes");
    for (const route of routed) {
      const value = String(routeHeaderValue(route));
      const alias = /^alias-([a-z0-9-]+)$/.exec(value)?.[1];
      for (const { name } of routeClusters(route)) {
        const target = clusterNamed(name);
        assert.ok(target, `cluster ${name} exists`);
        if (alias === undefined) {
          assert.equal(name, `provider_${value}`, `${ROUTE_HEADER}: ${value}`);
        } else {
          const prefix = `alias_${alias.replaceAll("-", "_")}`;
          assert.ok(name === prefix || name.startsWith(`${prefix}_`), `${ROUTE_HEADER}: ${value} -> ${name}`);
        }
        assert.equal(
          isAggregate(target),
          alias !== undefined,
          `${name} is aggregate exactly when it is an alias`,
        );
      }
    }
    const routedProviders = routed
      .flatMap((route) => routeClusters(route).map((cluster) => cluster.name))
      .filter((name) => name.startsWith("provider_"));
    assert.deepEqual(
      providerClusters.map((cluster) => String(cluster.name)).sort(),
      [...routedProviders].sort(),
      "every provider cluster is reachable by exactly one route of its own",
    );
    for (const provider of ["demo", "openai", "anthropic", "gemini", "azure", "local"]) {
      assert.ok(clusterNamed(`provider_${provider}`), `cluster provider_${provider} exists`);
    }
  });

  test("every forwarding route retries connect failures, resets, 5xx and 429", () => {
    for (const route of routes.filter((item) => item.route !== undefined)) {
      const what = `route to ${routeClusters(route)
        .map((cluster) => cluster.name)
        .join("|")}`;
      const policy = retryPolicy(route, what);
      const retryOn = String(policy.retry_on).split(",");
      for (const condition of ["connect-failure", "reset", "5xx", "retriable-status-codes"]) {
        assert.ok(retryOn.includes(condition), `${what} retries on ${condition}`);
      }
      assert.deepEqual(policy.retriable_status_codes, [429], `${what} retries a 429`);
      assert.ok(Number(policy.num_retries) >= 1, `${what} retries at least once`);
    }
  });

  test("only streamed answers get a per-try (first-byte) timeout; no route cuts an answer that is flowing", () => {
    for (const route of routes.filter((item) => item.route !== undefined)) {
      const action = obj(route.route, "route");
      const what = `${String(routeHeaderValue(route))}${isStreamRoute(route) ? " (stream)" : ""}`;
      const policy = retryPolicy(route, what);
      // The per-try idle timer keeps running after the answer started: it would reset the
      // caller's stream at a pause between tokens instead of failing over.
      assert.equal(policy.per_try_idle_timeout, undefined, `${what}: no per_try_idle_timeout`);
      assert.equal(action.idle_timeout, undefined, `${what}: no route idle_timeout`);
      if (isStreamRoute(route)) {
        assert.ok(
          durationSeconds(policy.per_try_timeout) < durationSeconds(action.timeout) / 2,
          `${what}: a slow first byte leaves time for the next provider`,
        );
      } else {
        // A whole answer reaches the router only once complete (translate buffers it).
        assert.equal(policy.per_try_timeout, undefined, `${what}: no per-try bound on a whole answer`);
      }
    }
  });

  test("every alias has a stream route and a whole-answer route to the same clusters", () => {
    const aliases = new Set(routes.map(routeHeaderValue).filter((value) => value?.startsWith("alias-")));
    assert.ok(aliases.size >= 1);
    for (const alias of aliases) {
      const aliasRoutes = routes.filter((route) => routeHeaderValue(route) === alias);
      const stream = aliasRoutes.filter(isStreamRoute);
      const whole = aliasRoutes.filter((route) => !isStreamRoute(route));
      assert.equal(stream.length, 1, `${alias}: one stream route`);
      assert.equal(whole.length, 1, `${alias}: one whole-answer route`);
      assert.ok(
        routes.indexOf(stream[0] as Doc) < routes.indexOf(whole[0] as Doc),
        `${alias}: stream route first`,
      );
      assert.deepEqual(
        routeClusters(stream[0] as Doc),
        routeClusters(whole[0] as Doc),
        `${alias}: same clusters`,
      );
    }
  });

  test("every provider cluster runs exactly the translate ext_proc filter, then upstream_codec", () => {
    assert.ok(providerClusters.length >= 6, "demo, openai, anthropic, gemini, azure and local");
    for (const cluster of providerClusters) {
      const name = String(cluster.name);
      const filters = objects(httpProtocolOptions(cluster).http_filters, `${name} http_filters`);
      assert.deepEqual(
        filters.map((filter) => filter.name),
        ["translate", "envoy.filters.http.upstream_codec"],
        `${name}: translate, then the codec last`,
      );
      assert.equal(obj(filters[1]?.typed_config, `${name} upstream_codec`)["@type"], UPSTREAM_CODEC_TYPE);
      const config = obj(filters[0]?.typed_config, `${name} translate typed_config`);
      assert.equal(config["@type"], EXT_PROC_TYPE);
      const grpcService = obj(config.grpc_service, `${name} translate grpc_service`);
      assert.equal(obj(grpcService.envoy_grpc, "envoy_grpc").cluster_name, "extproc");
      assert.deepEqual(
        grpcService.initial_metadata,
        [{ key: PROVIDER_METADATA, value: providerName(cluster) }],
        `${name} tells the processor which provider the attempt goes to`,
      );
      assert.equal(config.failure_mode_allow, false, `${name}: translate fails closed`);
      assert.equal(config.allow_mode_override, true, `${name}: SSE responses can switch to STREAMED`);
      assert.ok(durationSeconds(config.message_timeout) >= 1, `${name}: message_timeout at least 1s`);
      assert.deepEqual(config.processing_mode, EXT_PROC_MODES, `${name}: translate processing modes`);
    }
  });

  test("TLS providers verify the certificate against the system CAs, with SNI = SAN = the endpoint host", () => {
    assert.deepEqual(
      tlsProviders.map(providerName).sort(),
      ["anthropic", "azure", "gemini", "openai"],
      "the public APIs are the TLS providers",
    );
    for (const cluster of tlsProviders) {
      const name = String(cluster.name);
      const { host, port, hostname } = clusterEndpoint(cluster);
      assert.equal(port, 443, `${name} port`);
      assert.equal(
        hostname,
        host,
        `${name}: endpoint hostname (auto_host_rewrite on failover) is the API host`,
      );
      const socket = obj(cluster.transport_socket, `${name} transport_socket`);
      const tls = obj(socket.typed_config, `${name} tls typed_config`);
      assert.equal(tls["@type"], TLS_TYPE);
      assert.equal(tls.sni, host, `${name} SNI`);
      const common = obj(tls.common_tls_context, `${name} common_tls_context`);
      const validation = obj(common.validation_context, `${name} validation_context`);
      assert.deepEqual(
        validation.trusted_ca,
        { filename: SYSTEM_CA_BUNDLE },
        `${name} trusts the system CAs`,
      );
      assert.deepEqual(
        validation.match_typed_subject_alt_names,
        [{ san_type: "DNS", matcher: { exact: host } }],
        `${name} accepts only a certificate for ${host}`,
      );
      const auto = obj(httpProtocolOptions(cluster).auto_config, `${name} auto_config`);
      assert.ok(
        "http2_protocol_options" in auto && "http_protocol_options" in auto,
        `${name}: h2 or HTTP/1.1`,
      );
      assert.deepEqual(common.alpn_protocols, ["h2", "http/1.1"], `${name} offers both in ALPN`);
      assert.ok(durationSeconds(cluster.connect_timeout) > 0, `${name} connect_timeout`);
      for (const route of routesTo(name)) {
        assert.equal(
          obj(route.route, "route").host_rewrite_literal,
          host,
          `the route to ${name} sends Host ${host}`,
        );
      }
    }
  });

  test("plain-HTTP providers are in-network services; every public host is reached over TLS", () => {
    for (const cluster of providerClusters) {
      const name = String(cluster.name);
      const { host } = clusterEndpoint(cluster);
      if (cluster.transport_socket !== undefined) continue;
      assert.ok(!host.includes("."), `${name} sends plain HTTP only to an in-network name, not ${host}`);
      assert.ok(
        "http_protocol_options" in
          obj(httpProtocolOptions(cluster).explicit_http_config, "explicit_http_config"),
        `${name} speaks HTTP/1.1`,
      );
    }
  });

  test("outlier detection takes a failing TLS provider out for a while", () => {
    for (const cluster of tlsProviders) {
      const name = String(cluster.name);
      const detection = obj(cluster.outlier_detection, `${name} outlier_detection`);
      assert.ok(Number(detection.consecutive_5xx) >= 1, `${name} consecutive_5xx`);
      assert.ok(Number(detection.consecutive_gateway_failure) >= 1, `${name} consecutive_gateway_failure`);
      // Envoy's default for this one is 0: gateway failures would be counted but never eject.
      assert.ok(
        Number(detection.enforcing_consecutive_gateway_failure) > 0,
        `${name} enforces gateway-failure ejection`,
      );
      assert.ok(durationSeconds(detection.interval) > 0, `${name} interval`);
      assert.ok(durationSeconds(detection.base_ejection_time) >= 10, `${name} ejects for a while`);
      // One logical host per provider: at Envoy's default of 10% it could never be ejected.
      assert.ok(
        Number(detection.max_ejection_percent) === 100 || detection.always_eject_one_host === true,
        `${name} can eject its only host`,
      );
    }
  });

  test("circuit breakers bound providers and allow more concurrent retries than Envoy's default of 3", () => {
    for (const cluster of [...providerClusters, ...aggregateClusters]) {
      const name = String(cluster.name);
      const thresholds = objects(
        obj(cluster.circuit_breakers, `${name} circuit_breakers`).thresholds,
        "thresholds",
      );
      const defaults = thresholds.find((item) => item.priority === undefined || item.priority === "DEFAULT");
      assert.ok(defaults, `${name} sets DEFAULT priority thresholds`);
      assert.ok(Number(defaults.max_retries) > 3, `${name} max_retries`);
      if (!isAggregate(cluster)) {
        for (const field of ["max_connections", "max_pending_requests", "max_requests"]) {
          assert.ok(Number(defaults[field]) > 0, `${name} ${field}`);
        }
      }
    }
  });

  test("every aggregate cluster fails over across existing provider clusters, retrying on the next priority", () => {
    assert.ok(clusterNamed("alias_smart"), "the example alias cluster alias_smart exists");
    assert.ok(aggregateClusters.length >= 3, "alias_smart and the two picks of alias_balanced");
    for (const cluster of aggregateClusters) {
      const name = String(cluster.name);
      assert.equal(cluster.lb_policy, "CLUSTER_PROVIDED", `${name} lb_policy`);
      const members = aggregateMembers(cluster);
      assert.ok(members.length >= 2, `${name} has somewhere to fail over to`);
      assert.equal(new Set(members).size, members.length, `${name} lists each cluster once`);
      for (const member of members) {
        const target = clusterNamed(member);
        assert.ok(target, `${name}: cluster ${member} exists`);
        assert.ok(
          member.startsWith("provider_") && !isAggregate(target),
          `${name}: ${member} is a provider cluster`,
        );
      }
      const aliasRoutes = routesTo(name);
      assert.ok(aliasRoutes.length >= 1, `a route sends traffic to ${name}`);
      for (const route of aliasRoutes) {
        const action = obj(route.route, `route to ${name}`);
        // A literal Host would send one provider's host name to all of them.
        assert.equal(
          action.auto_host_rewrite,
          true,
          `the route to ${name} takes Host from the chosen endpoint`,
        );
        assert.equal(action.host_rewrite_literal, undefined, `the route to ${name} has no literal Host`);
        const policy = retryPolicy(route, `route to ${name}`);
        assert.ok(Number(policy.num_retries) >= members.length - 1, `${name}: a retry for every fallback`);
        assert.deepEqual(
          policy.retry_priority,
          {
            name: PREVIOUS_PRIORITIES,
            typed_config: { "@type": PREVIOUS_PRIORITIES_TYPE, update_frequency: 1 },
          },
          `${name}: each retry skips the priority that just failed`,
        );
      }
    }
  });

  test("counts attempts towards the translate filter and back to the app", () => {
    for (const host of virtualHosts) {
      assert.equal(
        host.include_request_attempt_count,
        true,
        `${String(host.name)} include_request_attempt_count`,
      );
      assert.equal(
        host.include_attempt_count_in_response,
        true,
        `${String(host.name)} include_attempt_count_in_response`,
      );
    }
  });

  test("refuses requests the gateway did not route with a 4xx direct response", () => {
    for (const host of virtualHosts) {
      const routes = objects(host.routes, "routes");
      const last = routes.at(-1);
      assert.ok(last, "a catch-all route");
      assert.deepEqual(last.match, { prefix: "/" }, "the last route matches everything");
      const status = Number(obj(last.direct_response, "catch-all direct_response").status);
      assert.ok(status >= 400 && status < 500, `catch-all answers 4xx, got ${status}`);
      assert.ok(!("route" in last), "catch-all never forwards");
    }
  });

  test("removes the routing headers before a request leaves Envoy", () => {
    const routeConfig = obj(hcm.route_config, "route_config");
    for (const header of [ROUTE_HEADER, ANSWER_HEADER]) {
      const removed = (level: Doc): boolean =>
        Array.isArray(level.request_headers_to_remove) && level.request_headers_to_remove.includes(header);
      for (const host of virtualHosts) {
        for (const route of objects(host.routes, "routes").filter((item) => "route" in item)) {
          assert.ok(removed(routeConfig) || removed(host) || removed(route), `${header} removed`);
        }
      }
    }
  });
});
