import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import pino from "pino";
import { type RunningExtProcServer, startExtProcServer } from "../../extproc/src/protocol/ext-proc-server.ts";
import type { HeaderList, StreamProcessor } from "../../extproc/src/protocol/http-exchange.ts";
import { type DemoUpstream, startDemoUpstream } from "../demo/openai-upstream/index.ts";
import { type EnvoyHarness, startEnvoyHarness } from "../harness/envoy-harness.ts";

/**
 * The protocol layer on its own, with a processor that misbehaves on purpose: an exception inside
 * request processing must fail that request closed (a JSON 500) and leave the server serving.
 */
const routeToDemo = async () => ({
  kind: "continue" as const,
  headers: { set: [{ name: "x-gateway-route", value: "demo" }] },
  clearRouteCache: true,
});

function faultyProcessor(): StreamProcessor {
  let path = "";
  return {
    async onRequestHeaders(headers: HeaderList) {
      path = headers.find((h) => h.name === ":path")?.value ?? "";
      if (path === "/boom-on-headers") throw new Error("processor bug on headers");
      return { kind: "continue" };
    },
    async onRequestBody(body: Buffer) {
      if (body.includes("boom")) throw new TypeError("processor bug on body");
      return routeToDemo();
    },
    onResponseHeaders: async () => ({ kind: "continue" }),
    onResponseBody: async () => ({ kind: "continue" }),
    onStreamEnd: () => {},
  };
}

const replyWith = (status: number, code: string) => ({
  kind: "respond" as const,
  status,
  headers: [{ name: "content-type", value: "application/json" }],
  body: Buffer.from(JSON.stringify({ error: { message: code, type: "api_error", code } })),
  details: code,
});

let server: RunningExtProcServer;
let upstream: DemoUpstream;
let harness: EnvoyHarness;

before(async () => {
  server = await startExtProcServer({
    host: "127.0.0.1",
    port: 0,
    // Each request holds two streams at once: the gateway filter and the provider's translate filter.
    maxConcurrentStreams: 128,
    maxHeldBodyBytes: 1 << 20,
    maxMessageBytes: 2 << 20,
    createProcessor: faultyProcessor,
    replies: {
      overloaded: () => replyWith(503, "overloaded"),
      internalError: () => replyWith(500, "internal_error"),
    },
    logger: pino({ level: "silent" }),
  });
  upstream = await startDemoUpstream({ host: "127.0.0.1", port: 0 });
  harness = await startEnvoyHarness({
    envoyConfigPath: "envoy/envoy.yaml",
    processorAddress: `127.0.0.1:${server.port}`,
    clusters: { provider_demo: upstream.url },
  });
});
after(async () => {
  await harness.close();
  await upstream.close();
  await server.shutdown(1000);
});

const chat = (content: string) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });

async function post(path: string, body: string) {
  const response = await fetch(`${harness.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: response.status, body: await response.text() };
}

describe("the ext_proc server under processor faults", () => {
  it("answers a processor exception with a JSON 500 and keeps serving the next request", async () => {
    for (const [path, body] of [
      ["/v1/chat/completions", chat("boom")],
      ["/boom-on-headers", chat("fine")],
    ] as const) {
      const failed = await post(path, body);
      assert.equal(failed.status, 500);
      assert.equal((JSON.parse(failed.body) as { error: { code: string } }).error.code, "internal_error");
    }
    const ok = await post("/v1/chat/completions", chat("fine"));
    assert.equal(ok.status, 200);
    assert.match(ok.body, /Echo: fine/);
  });

  it("serves many requests concurrently while some of them fail", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post("/v1/chat/completions", chat(i % 4 === 0 ? "boom" : `n${i}`)),
      ),
    );
    for (const [i, result] of results.entries()) assert.equal(result.status, i % 4 === 0 ? 500 : 200);
    // Envoy closes each stream just after the last reply; give the closes a moment to land.
    for (let i = 0; i < 100 && server.admission.snapshot().openStreams > 0; i++) await delay(20);
    assert.deepEqual(server.admission.snapshot(), { openStreams: 0, heldBytes: 0 });
  });
});

describe("gRPC health", () => {
  it("reports SERVING for the ext_proc service, as Envoy's health check asks", async () => {
    const require = createRequire(import.meta.url);
    const protoPath = path.join(
      path.dirname(require.resolve("grpc-health-check/package.json")),
      "proto/health/v1/health.proto",
    );
    const definition = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { enums: String }));
    const healthPackage = (definition.grpc as grpc.GrpcObject).health as grpc.GrpcObject;
    const Health = (healthPackage.v1 as grpc.GrpcObject).Health as grpc.ServiceClientConstructor;
    const client = new Health(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const check = (service: string) =>
      new Promise<string>((resolve, reject) => {
        const method = client.Check;
        if (!method) return reject(new Error("no Check method"));
        method.call(client, { service }, (error: Error | null, reply: { status: string }) =>
          error ? reject(error) : resolve(reply.status),
        );
      });
    assert.equal(await check(""), "SERVING");
    assert.equal(await check("envoy.service.ext_proc.v3.ExternalProcessor"), "SERVING");
    client.close();
  });
});
