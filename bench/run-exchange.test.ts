import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../proto/envoy-ext-proc.ts";
import type { ExternalProcessorClient } from "../proto/generated/envoy/service/ext_proc/v3/ExternalProcessor.ts";
import type { ProcessingRequest__Output } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import { chatExchangeFixture } from "./chat-exchange-fixture.ts";
import { type NoopExtProcServer, startNoopExtProcServer } from "./noop-ext-proc-server.ts";
import { ExchangeError, runExchange } from "./run-exchange.ts";

type ProcessCall = grpc.ServerDuplexStream<ProcessingRequest__Output, ProcessingResponse>;

async function startDenyingServer(): Promise<{ port: number; close(): void }> {
  const server = new grpc.Server();
  server.addService(loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor.service, {
    Process: (call: ProcessCall) => {
      call.once("data", () => {
        call.write({
          immediate_response: { status: { code: "Forbidden" }, body: Buffer.from('{"error":"denied"}') },
        });
        call.end();
      });
      call.on("error", () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { port, close: () => server.forceShutdown() };
}

function clientFor(port: number): ExternalProcessorClient {
  const ExternalProcessor = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor;
  return new ExternalProcessor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

describe("bench exchange", () => {
  let noop: NoopExtProcServer;
  before(async () => {
    noop = await startNoopExtProcServer("127.0.0.1", 0);
  });
  after(async () => {
    await noop.close();
  });

  test("completes Envoy's four-message chat sequence against the no-op floor", async () => {
    const client = clientFor(noop.port);
    try {
      const latency = await runExchange(client, chatExchangeFixture().steps("req-1"), 10_000);
      assert.ok(latency >= 0);
    } finally {
      client.close();
    }
  });

  test("counts an immediate_response as an error instead of a fast request", async () => {
    const denying = await startDenyingServer();
    const client = clientFor(denying.port);
    try {
      await assert.rejects(
        runExchange(client, chatExchangeFixture().steps("req-2"), 10_000),
        (error: unknown) => {
          assert.ok(error instanceof ExchangeError);
          assert.equal(error.kind, "immediate_response Forbidden");
          assert.match(error.message, /denied/);
          return true;
        },
      );
    } finally {
      client.close();
      denying.close();
    }
  });

  test("sends a request body whose length matches the content-length header", () => {
    const fixture = chatExchangeFixture();
    const [headers, body] = fixture.steps("req-3");
    const contentLength = headers?.message.request_headers?.headers?.headers?.find(
      (h) => h.key === "content-length",
    );
    assert.equal(String(contentLength?.raw_value), String(fixture.requestBodyBytes));
    assert.equal(Buffer.byteLength(body?.message.request_body?.body ?? ""), fixture.requestBodyBytes);
  });
});
