import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { ENVOY_PROTO_INCLUDE_DIRS } from "../../proto/envoy-ext-proc.ts";
import { checkMessage, openProtoLibrary } from "./strict-proto-json.ts";
import { type Doc, obj, objects } from "./yaml-document.ts";

const ENVOY_YAML = new URL("../../envoy/envoy.yaml", import.meta.url);
const EXT_PROC_TYPE = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
const ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
const HCM_TYPE =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const HTTP_OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
const TLS_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
const ROUTE_HEADER = "x-gateway-route";

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

function routeHeaderValue(route: Doc): string | undefined {
  const headers = obj(route.match, "match").headers;
  if (headers === undefined) return undefined;
  const matcher = objects(headers, "headers").find((header) => header.name === ROUTE_HEADER);
  const exact = matcher ? obj(matcher.string_match, "string_match").exact : undefined;
  return typeof exact === "string" ? exact : undefined;
}

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
    assert.deepEqual(mode, {
      request_header_mode: "SEND",
      request_body_mode: "BUFFERED",
      request_trailer_mode: "SKIP",
      response_header_mode: "SEND",
      response_body_mode: "BUFFERED",
      response_trailer_mode: "SKIP",
    });
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

  test("routes every x-gateway-route value to its provider_<value> cluster", () => {
    const routed = virtualHosts.flatMap((host) => objects(host.routes, "routes")).filter(routeHeaderValue);
    assert.ok(routed.length >= 2, "at least the demo and openai routes");
    for (const route of routed) {
      const value = routeHeaderValue(route);
      const cluster = obj(route.route, `route for ${value}`).cluster;
      assert.equal(cluster, `provider_${value}`);
      assert.ok(clusterNamed(`provider_${value}`), `cluster provider_${value} exists`);
    }
    const providers = clusters
      .map((cluster) => String(cluster.name))
      .filter((name) => name.startsWith("provider_"));
    const routedProviders = routed.map((route) => `provider_${routeHeaderValue(route)}`);
    assert.deepEqual(
      [...providers].sort(),
      [...routedProviders].sort(),
      "every provider cluster is reachable",
    );
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

  test("removes the routing header before a request leaves Envoy", () => {
    const routeConfig = obj(hcm.route_config, "route_config");
    const removed = (level: Doc): boolean =>
      Array.isArray(level.request_headers_to_remove) &&
      level.request_headers_to_remove.includes(ROUTE_HEADER);
    for (const host of virtualHosts) {
      for (const route of objects(host.routes, "routes").filter((item) => "route" in item)) {
        assert.ok(removed(routeConfig) || removed(host) || removed(route), `${ROUTE_HEADER} removed`);
      }
    }
  });

  test("verifies the OpenAI certificate against the system CAs and api.openai.com", () => {
    const openai = clusterNamed("provider_openai");
    assert.ok(openai, "cluster provider_openai exists");
    assert.equal(socketPortOfCluster(openai), 443);
    const tls = obj(obj(openai.transport_socket, "transport_socket").typed_config, "tls typed_config");
    assert.equal(tls["@type"], TLS_TYPE);
    assert.equal(tls.sni, "api.openai.com");
    const validation = obj(
      obj(tls.common_tls_context, "common_tls_context").validation_context,
      "validation",
    );
    assert.ok(obj(validation.trusted_ca, "trusted_ca").filename, "a trusted CA bundle");
    const sans = objects(validation.match_typed_subject_alt_names, "match_typed_subject_alt_names");
    assert.deepEqual(sans, [{ san_type: "DNS", matcher: { exact: "api.openai.com" } }]);
  });
});

function socketPortOfCluster(cluster: Doc): number {
  const endpoints = objects(obj(cluster.load_assignment, "load_assignment").endpoints, "endpoints");
  const lbEndpoint = objects(endpoints[0]?.lb_endpoints, "lb_endpoints")[0];
  return socketPort(obj(lbEndpoint?.endpoint, "endpoint").address);
}
