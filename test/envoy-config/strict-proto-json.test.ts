import assert from "node:assert/strict";
import { describe, test } from "node:test";
import protobuf from "protobufjs";
import { ENVOY_PROTO_INCLUDE_DIRS } from "../../proto/envoy-ext-proc.ts";
import { checkMessage, declaredMessages, openProtoLibrary, validateMessage } from "./strict-proto-json.ts";

const envoy = openProtoLibrary(ENVOY_PROTO_INCLUDE_DIRS);
const BOOTSTRAP = "envoy.config.bootstrap.v3.Bootstrap";
const HCM =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const EXT_PROC = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
const ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

function envoyErrors(typeName: string, value: unknown): string[] {
  return validateMessage(envoy.root, typeName, value, { resolveType: envoy.resolveType });
}

function extProc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "@type": EXT_PROC,
    grpc_service: { envoy_grpc: { cluster_name: "extproc" } },
    failure_mode_allow: false,
    message_timeout: "5s",
    processing_mode: { request_header_mode: "SEND", request_body_mode: "BUFFERED" },
    ...overrides,
  };
}

/** A listener whose only ext_proc filter has the given typed_config; the rest is valid. */
function bootstrapWith(extProcConfig: unknown, route: unknown = { cluster: "backend" }): unknown {
  return {
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } },
    static_resources: {
      listeners: [
        {
          name: "gateway",
          address: { socket_address: { address: "0.0.0.0", port_value: 10000 } },
          filter_chains: [
            {
              filters: [
                {
                  name: "envoy.filters.network.http_connection_manager",
                  typed_config: {
                    "@type": HCM,
                    stat_prefix: "gateway",
                    route_config: {
                      virtual_hosts: [
                        {
                          name: "all",
                          domains: ["*"],
                          routes: [{ match: { prefix: "/" }, ...wrapRoute(route) }],
                        },
                      ],
                    },
                    http_filters: [
                      { name: "gateway", typed_config: extProcConfig },
                      { name: "envoy.filters.http.router", typed_config: { "@type": ROUTER } },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
      clusters: [
        {
          name: "backend",
          type: "STRICT_DNS",
          connect_timeout: "1s",
          load_assignment: {
            cluster_name: "backend",
            endpoints: [
              {
                lb_endpoints: [
                  { endpoint: { address: { socket_address: { address: "b", port_value: 80 } } } },
                ],
              },
            ],
          },
        },
      ],
    },
  };
}

function wrapRoute(route: unknown): Record<string, unknown> {
  return typeof route === "object" && route !== null && "direct_response" in route
    ? (route as Record<string, unknown>)
    : { route };
}

function assertOneErrorMatching(errors: string[], pattern: RegExp): void {
  assert.equal(errors.length, 1, `expected one error, got: ${JSON.stringify(errors, null, 2)}`);
  assert.match(errors[0] ?? "", pattern);
}

describe("strict proto3 JSON validation against Envoy's API", () => {
  test("accepts a small valid bootstrap", () => {
    assert.deepEqual(envoyErrors(BOOTSTRAP, bootstrapWith(extProc())), []);
  });

  test("accepts lowerCamel json names as well as proto names", () => {
    const config = extProc({ failureModeAllow: false, failure_mode_allow: undefined });
    delete config.failure_mode_allow;
    config.messageTimeout = "0.250s";
    delete config.message_timeout;
    assert.deepEqual(envoyErrors(BOOTSTRAP, bootstrapWith(config)), []);
  });

  test("rejects an unknown field deep inside a typed_config", () => {
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc({ failure_mode_alow: false })));
    assertOneErrorMatching(
      errors,
      /http_filters\[0\]\.typed_config: unknown field "failure_mode_alow" in envoy\.extensions\.filters\.http\.ext_proc\.v3\.ExternalProcessor/,
    );
  });

  test("rejects a field given under both its proto name and its json name", () => {
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc({ failureModeAllow: true })));
    assertOneErrorMatching(errors, /"failure_mode_allow" is given twice/);
  });

  test("rejects a wrong scalar type", () => {
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc({ allow_mode_override: "yes" })));
    assertOneErrorMatching(errors, /\.allow_mode_override: expected true or false, got string "yes"/);
  });

  test("rejects a port number that is not a number", () => {
    const errors = envoyErrors("envoy.config.core.v3.SocketAddress", { address: "a", port_value: "http" });
    assertOneErrorMatching(errors, /\$\.port_value: expected an integer \(uint32\)/);
  });

  test("rejects a bad enum name", () => {
    const config = extProc({ processing_mode: { request_body_mode: "BUFERED" } });
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(config));
    assertOneErrorMatching(errors, /request_body_mode: unknown .*BodySendMode value "BUFERED"/);
  });

  test("rejects a malformed duration", () => {
    for (const timeout of ["5", "5 s", "5ms", 5, "1.0000000001s"]) {
      const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc({ message_timeout: timeout })));
      assertOneErrorMatching(errors, /\.message_timeout: expected a duration like "1\.5s"/);
    }
  });

  test("rejects a duration above the field's validate bound", () => {
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc({ message_timeout: "3601s" })));
    assertOneErrorMatching(errors, /\.message_timeout: duration must be <= 3600s/);
  });

  test("rejects an unknown @type", () => {
    const config = {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcesor",
    };
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(config));
    assertOneErrorMatching(errors, /typed_config: unknown "@type" .*ExternalProcesor/);
  });

  test("rejects an @type from the retired v2 API", () => {
    const config = { "@type": "type.googleapis.com/envoy.config.filter.http.router.v2.Router" };
    assertOneErrorMatching(envoyErrors(BOOTSTRAP, bootstrapWith(config)), /v2 API type/);
  });

  test("rejects two members of one oneof", () => {
    const route = { direct_response: { status: 403 }, route: { cluster: "backend" } };
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(extProc(), route));
    assertOneErrorMatching(
      errors,
      /routes\[0\]: oneof "action" has more than one member set: route, direct_response/,
    );
  });

  test("rejects a oneof that validate marks required when no member is set", () => {
    const errors = envoyErrors("envoy.config.route.v3.RouteAction", { timeout: "1s" });
    assertOneErrorMatching(errors, /oneof "cluster_specifier" requires one of/);
  });

  test("rejects a missing required message", () => {
    const config = extProc();
    delete config.grpc_service;
    const errors = envoyErrors(BOOTSTRAP, bootstrapWith(config));
    assertOneErrorMatching(
      errors,
      /http_filters\[0\]\.typed_config: required field "grpc_service" is missing/,
    );
  });

  test("rejects a string shorter than the field's min_len", () => {
    const errors = envoyErrors("envoy.config.route.v3.RouteAction", { cluster: "" });
    assertOneErrorMatching(errors, /\$\.cluster: needs at least this many characters: 1/);
  });

  test("rejects an invalid header name where validate asks for one", () => {
    const errors = envoyErrors("envoy.config.route.v3.VirtualHost", {
      name: "v",
      domains: ["*"],
      request_headers_to_remove: ["x-bad\nheader"],
    });
    assertOneErrorMatching(
      errors,
      /request_headers_to_remove\[0\]: "x-bad\\nheader" is not a valid HTTP header name/,
    );
  });

  test("rejects a uint32 wrapper value outside its validate bounds", () => {
    const errors = envoyErrors("envoy.config.core.v3.Http2ProtocolOptions", { max_concurrent_streams: 0 });
    assertOneErrorMatching(errors, /\$\.max_concurrent_streams: must be >= 1, got 0/);
  });

  test("rejects a duration at an exclusive lower bound", () => {
    const errors = envoyErrors("envoy.config.core.v3.HealthCheck", {
      timeout: "1s",
      interval: "1s",
      unhealthy_threshold: 1,
      healthy_threshold: 1,
      grpc_health_check: {},
      interval_jitter_percent: 1,
      initial_jitter: "1s",
      no_traffic_interval: "0s",
    });
    assertOneErrorMatching(errors, /no_traffic_interval: duration must be > 0s/);
  });

  test("reports deprecated fields as warnings, not errors", () => {
    const result = checkMessage(
      envoy.root,
      "envoy.config.cluster.v3.Cluster",
      { name: "c", http2_protocol_options: {} },
      { resolveType: envoy.resolveType },
    );
    assert.deepEqual(result.errors, []);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0] ?? "", /"http2_protocol_options" is deprecated/);
  });

  test("checks map keys and values, with typed Any values", () => {
    const good = {
      name: "c",
      typed_extension_protocol_options: {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
          "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
          explicit_http_config: { http2_protocol_options: {} },
        },
      },
    };
    assert.deepEqual(envoyErrors("envoy.config.cluster.v3.Cluster", good), []);
    const bad = structuredClone(good);
    const options =
      bad.typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
    Object.assign(options.explicit_http_config, { http3_protocol_options: {} });
    const errors = envoyErrors("envoy.config.cluster.v3.Cluster", bad);
    assertOneErrorMatching(errors, /explicit_http_config: oneof "protocol_config" has more than one member/);
  });
});

const SCALARS_PROTO = `
syntax = "proto3";
package gatewaytest;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/field_mask.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
message Scalars {
  int32 i32 = 1; uint32 u32 = 2; int64 i64 = 3; uint64 u64 = 4; double d = 5; float f = 6;
  bool b = 7; string s = 8; bytes raw = 9; Color color = 10; repeated string names = 11;
  map<int32, string> by_number = 12; map<bool, Scalars> by_flag = 13;
  google.protobuf.Timestamp at = 14; google.protobuf.Struct meta = 15; google.protobuf.Value any_json = 16;
  google.protobuf.ListValue list = 17; google.protobuf.Empty nothing = 18; google.protobuf.FieldMask mask = 19;
  google.protobuf.BoolValue maybe = 20; google.protobuf.UInt32Value count = 21; google.protobuf.Any packed = 22;
  google.protobuf.Duration wait = 23;
}
enum Color { COLOR_UNSPECIFIED = 0; RED = 1; }
`;

function scalarsRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const name of ["any", "duration", "empty", "field_mask", "struct", "timestamp", "wrappers"])
    root.loadSync(`google/protobuf/${name}.proto`, { keepCase: true });
  protobuf.parse(SCALARS_PROTO, root, { keepCase: true });
  root.resolveAll();
  return root;
}

describe("strict proto3 JSON validation of scalars and well-known types", () => {
  const root = scalarsRoot();
  const errorsFor = (value: unknown) => validateMessage(root, "gatewaytest.Scalars", value);

  test("accepts every scalar and well-known type in its proto3 JSON form", () => {
    const value = {
      i32: "-5",
      u32: 4294967295,
      i64: "-9223372036854775808",
      u64: "18446744073709551615",
      d: "NaN",
      f: "-Infinity",
      b: true,
      s: "x",
      raw: "aGVsbG8=",
      color: "RED",
      names: ["a"],
      byNumber: { "-1": "minus one" },
      by_flag: { true: { s: "nested" } },
      at: "2026-01-02T03:04:05.123Z",
      meta: { any: [1, "two", { three: null }] },
      anyJson: null,
      list: [1, true],
      nothing: {},
      mask: "a.b,cD",
      maybe: false,
      count: 7,
      packed: { "@type": "type.googleapis.com/google.protobuf.Duration", value: "2s" },
      wait: "-0.5s",
    };
    assert.deepEqual(errorsFor(value), []);
  });

  test("rejects integers out of range, fractional integers and numbers in string fields", () => {
    const errors = errorsFor({ i32: 2147483648, u32: -1, i64: 1.5, s: 5 });
    assert.equal(errors.length, 4, JSON.stringify(errors));
    assert.match(errors.join("\n"), /\$\.i32: 2147483648 is out of range for int32/);
    assert.match(errors.join("\n"), /\$\.u32: -1 is out of range for uint32/);
    assert.match(errors.join("\n"), /\$\.i64: expected an integer \(int64\)/);
    assert.match(errors.join("\n"), /\$\.s: expected a string, got number 5/);
  });

  test("rejects malformed bytes, timestamps, wrappers, maps and repeated fields", () => {
    const errors = errorsFor({
      raw: "not base64!",
      at: "2026-01-02 03:04:05",
      maybe: { value: true },
      by_number: { one: "x" },
      names: "a",
      nothing: { x: 1 },
      color: 7,
    });
    assert.equal(errors.length, 7, JSON.stringify(errors));
  });

  test("rejects an Any without @type that carries fields", () => {
    assertOneErrorMatching(errorsFor({ packed: { value: "2s" } }), /Any has fields but no "@type"/);
  });
});

describe("proto message index", () => {
  test("finds nested messages and ignores braces in comments and options", () => {
    const source = `
      // message Commented { }
      package a.b;
      message Outer {
        string x = 1 [(validate.rules).string = {min_len: 1}];
        oneof choice { string y = 2; }
        message Inner { message Deepest {} }
      }
      enum E { E0 = 0; }
      message Second {}`;
    assert.deepEqual(declaredMessages(source), [
      "a.b.Outer",
      "a.b.Outer.Inner",
      "a.b.Outer.Inner.Deepest",
      "a.b.Second",
    ]);
  });
});
