import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { type Doc, list, obj } from "./yaml-document.ts";

const read = (relative: string): string =>
  fs.readFileSync(new URL(`../../${relative}`, import.meta.url), "utf8");

const compose = obj(parse(read("docker-compose.yml")), "docker-compose.yml");
const services = obj(compose.services, "services");
const envoy = obj(parse(read("envoy/envoy.yaml")), "envoy.yaml");
const dockerfile = read("extproc/Dockerfile");

function service(name: string): Doc {
  return obj(services[name], `service ${name}`);
}

/** Compose accepts environment as a map or as KEY=VALUE strings. */
function environment(name: string): Map<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return new Map(env.map((entry) => String(entry).split(/=(.*)/s).slice(0, 2) as [string, string]));
  }
  return new Map(Object.entries(obj(env, `${name}.environment`)).map(([key, value]) => [key, String(value)]));
}

/** Container ports a service listens on, from expose and from the container side of ports. */
function containerPorts(name: string): Set<number> {
  const found = new Set<number>();
  for (const entry of (service(name).expose as unknown[] | undefined) ?? []) found.add(Number(entry));
  for (const entry of publishedPorts(name)) found.add(entry.container);
  return found;
}

function publishedPorts(name: string): { host: number; container: number }[] {
  return ((service(name).ports as unknown[] | undefined) ?? []).map((entry) => {
    if (typeof entry === "object" && entry !== null) {
      const long = entry as Doc;
      return { host: Number(long.published), container: Number(long.target) };
    }
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, "")
      .split(":");
    const container = Number(parts.at(-1));
    return { host: parts.length > 1 ? Number(parts.at(-2)) : container, container };
  });
}

function clusterAddresses(): { cluster: string; host: string; port: number }[] {
  const clusters = list(obj(envoy.static_resources, "static_resources").clusters, "clusters");
  return clusters.flatMap((raw) => {
    const cluster = obj(raw, "cluster");
    // An aggregate cluster has no endpoints of its own: its member clusters carry them.
    if (cluster.cluster_type !== undefined && cluster.load_assignment === undefined) return [];
    const endpoints = list(obj(cluster.load_assignment, "load_assignment").endpoints, "endpoints");
    return endpoints.flatMap((group) =>
      list(obj(group, "endpoints[]").lb_endpoints, "lb_endpoints").map((lb) => {
        const address = obj(
          obj(obj(obj(lb, "lb_endpoint").endpoint, "endpoint").address, "address").socket_address,
          "socket_address",
        );
        return {
          cluster: String(cluster.name),
          host: String(address.address),
          port: Number(address.port_value),
        };
      }),
    );
  });
}

function listenerPort(): number {
  const listener = obj(
    list(obj(envoy.static_resources, "static_resources").listeners, "listeners")[0],
    "listener",
  );
  return Number(obj(obj(listener.address, "address").socket_address, "socket_address").port_value);
}

function adminPort(): number {
  const admin = obj(envoy.admin, "admin");
  return Number(obj(obj(admin.address, "address").socket_address, "socket_address").port_value);
}

describe("docker-compose.yml agrees with envoy/envoy.yaml", () => {
  test("every Envoy cluster address is a compose service listening on that port, or an external host", () => {
    for (const { cluster, host, port } of clusterAddresses()) {
      if (host in services) {
        assert.ok(containerPorts(host).has(port), `service ${host} exposes ${port} (cluster ${cluster})`);
      } else {
        assert.ok(
          host.includes("."),
          `cluster ${cluster} points at ${host}, which is neither a service nor a FQDN`,
        );
      }
    }
  });

  test("the processor listens where Envoy's extproc cluster points", () => {
    const extproc = clusterAddresses().find((address) => address.cluster === "extproc");
    assert.ok(extproc, "cluster extproc");
    assert.equal(extproc.host, "extproc");
    const env = environment("extproc");
    assert.equal(Number(env.get("GATEWAY_GRPC_PORT")), extproc.port);
    assert.equal(env.get("GATEWAY_GRPC_HOST"), "0.0.0.0", "reachable from the Envoy container");
  });

  test("the demo upstream listens where the provider_demo cluster points", () => {
    const demo = clusterAddresses().find((address) => address.cluster === "provider_demo");
    assert.ok(demo, "cluster provider_demo");
    assert.equal(demo.host, "demo-upstream");
    assert.equal(Number(environment("demo-upstream").get("PORT") ?? 8080), demo.port);
  });

  test("the stand-in self-hosted server listens where the provider_local cluster points", () => {
    const local = clusterAddresses().find((address) => address.cluster === "provider_local");
    assert.ok(local, "cluster provider_local");
    assert.equal(local.host, "local-llm");
    assert.equal(Number(environment("local-llm").get("PORT")), local.port);
  });

  test("Envoy starts after every compose service its clusters name, once it is healthy", () => {
    const dependsOn = obj(service("envoy").depends_on, "envoy.depends_on");
    const hosts = new Set(clusterAddresses().map((address) => address.host));
    for (const host of [...hosts].filter((name) => name in services)) {
      assert.deepEqual(dependsOn[host], { condition: "service_healthy" }, `envoy waits for ${host}`);
      assert.ok(service(host).healthcheck, `${host} has a health check`);
    }
  });

  test("every cluster has an address: aggregate clusters only name clusters that do", () => {
    const addressed = new Set(clusterAddresses().map((address) => address.cluster));
    const clusters = list(obj(envoy.static_resources, "static_resources").clusters, "clusters").map((raw) =>
      obj(raw, "cluster"),
    );
    for (const cluster of clusters) {
      if (cluster.cluster_type === undefined) {
        assert.ok(addressed.has(String(cluster.name)), `cluster ${String(cluster.name)} has an address`);
        continue;
      }
      const config = obj(obj(cluster.cluster_type, "cluster_type").typed_config, "cluster_type.typed_config");
      for (const member of list(config.clusters, `${String(cluster.name)} clusters`)) {
        assert.ok(
          addressed.has(String(member)),
          `${String(cluster.name)} member ${String(member)} has an address`,
        );
      }
    }
  });

  test("Envoy's listener and admin ports are published", () => {
    const published = publishedPorts("envoy").map((entry) => entry.container);
    assert.ok(published.includes(listenerPort()), `listener port ${listenerPort()} published`);
    assert.ok(published.includes(adminPort()), `admin port ${adminPort()} published`);
  });

  test("the envoy service runs the repository's envoy/envoy.yaml", () => {
    const envoyService = service("envoy");
    const mount = ((envoyService.volumes as unknown[] | undefined) ?? [])
      .map((entry) => String(entry).split(":"))
      .find(([source]) => source === "./envoy/envoy.yaml");
    assert.ok(mount, "envoy/envoy.yaml is mounted");
    const command = list(envoyService.command, "envoy.command").map(String);
    assert.equal(command[command.indexOf("-c") + 1], mount[1], "envoy -c reads the mounted file");
  });

  test("the processor's ClickHouse URL is the clickhouse service's HTTP port", () => {
    const url = new URL(environment("extproc").get("GATEWAY_CLICKHOUSE_URL") ?? "");
    assert.equal(url.hostname, "clickhouse");
    assert.ok(containerPorts("clickhouse").has(Number(url.port)), `clickhouse exposes ${url.port}`);
    assert.equal(
      environment("extproc").get("GATEWAY_CLICKHOUSE_DATABASE"),
      environment("clickhouse").get("CLICKHOUSE_DB"),
    );
    assert.equal(
      environment("extproc").get("GATEWAY_CLICKHOUSE_USER"),
      environment("clickhouse").get("CLICKHOUSE_USER"),
    );
  });

  test("the processor's body limit equals the listener's per-connection buffer limit", () => {
    const listener = obj(
      list(obj(envoy.static_resources, "static_resources").listeners, "listeners")[0],
      "listener",
    );
    assert.equal(
      Number(environment("extproc").get("GATEWAY_MAX_BODY_BYTES")),
      listener.per_connection_buffer_limit_bytes,
    );
  });

  test("the audit spool lives on a named volume", () => {
    const spool = environment("extproc").get("GATEWAY_AUDIT_SPOOL_DIR");
    const mounts = ((service("extproc").volumes as unknown[] | undefined) ?? []).map((entry) =>
      String(entry).split(":"),
    );
    const mount = mounts.find(([, target]) => target === spool);
    assert.ok(mount, `${spool} is mounted`);
    assert.ok(mount[0] && mount[0] in obj(compose.volumes, "volumes"), "as a declared named volume");
  });

  test("the policy bundle path is where the image puts the bundle", () => {
    assert.equal(environment("extproc").get("GATEWAY_BUNDLE_PATH"), "/app/policies/build/bundle.tar.gz");
    assert.match(dockerfile, /^WORKDIR \/app$/m);
    assert.match(dockerfile, /^COPY --from=build \/app\/policies\/build \.\/policies\/build$/m);
  });

  test("built services use targets that the Dockerfile defines", () => {
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]));
    for (const [name, raw] of Object.entries(services)) {
      const build = obj(raw, name).build;
      if (build === undefined) continue;
      const spec = obj(build, `${name}.build`);
      assert.equal(spec.dockerfile, "extproc/Dockerfile");
      assert.equal(spec.context, ".");
      assert.ok(stages.has(String(spec.target)), `${name} target ${String(spec.target)} exists`);
    }
  });

  test("every image is pinned to an exact version tag", () => {
    const stages = new Set([...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]));
    const images = [
      ...Object.values(services).flatMap((raw) =>
        obj(raw, "service").image ? [String(obj(raw, "service").image)] : [],
      ),
      ...[...dockerfile.matchAll(/^FROM (\S+)/gm)]
        .map((match) => match[1] ?? "")
        .filter((image) => !stages.has(image)),
    ];
    assert.ok(images.length >= 5, `found images: ${images.join(", ")}`);
    for (const image of images) {
      const tag = /^[^:@]+(?::([^@]+))?(?:@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
      assert.ok(tag, `${image} has a tag`);
      assert.ok(!/latest|^lts$|^stable$/.test(tag), `${image} is not a moving tag`);
      assert.match(tag, /^v?\d+\.\d+\.\d+/, `${image} names an exact version`);
    }
  });
});

describe("the processor's compose environment", () => {
  test("is a configuration the processor accepts, with no unknown GATEWAY_* setting", async () => {
    const { parseGatewayConfig } = await import("../../extproc/src/config.ts");
    const environment = obj(service("extproc").environment, "extproc.environment");
    const env = Object.fromEntries(
      Object.entries(environment).map(([name, value]) => [
        name,
        String(value).replace(/^\$\{[A-Z_]+:-(.*)\}$/, "$1"),
      ]),
    );
    const parsed = parseGatewayConfig(env);
    assert.ok(parsed.ok, parsed.ok ? "" : parsed.message);
    assert.deepEqual(parsed.unknown, []);
  });
});
