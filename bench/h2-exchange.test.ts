import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../proto/envoy-ext-proc.ts";
import type { ProcessingRequest__Output } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import { chatExchangeFixture } from "./chat-exchange-fixture.ts";
import { encodeExchange } from "./encoded-exchange.ts";
import { ExchangeError } from "./exchange-error.ts";
import { connectExtProc, runH2Exchange } from "./h2-exchange.ts";
import { type NoopExtProcServer, startNoopExtProcServer } from "./noop-ext-proc-server.ts";

type ProcessCall = grpc.ServerDuplexStream<ProcessingRequest__Output, ProcessingResponse>;

async function startServer(handler: (call: ProcessCall) => void): Promise<{ port: number; close(): void }> {
  const server = new grpc.Server();
  server.addService(loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor.service, {
    Process: (call: ProcessCall) => {
      call.on("error", () => {});
      handler(call);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { port, close: () => server.forceShutdown() };
}

async function expectFailure(
  handler: (call: ProcessCall) => void,
  check: (error: ExchangeError) => void,
): Promise<void> {
  const server = await startServer(handler);
  const connection = await connectExtProc(server.port);
  try {
    await assert.rejects(
      runH2Exchange(connection, encodeExchange(chatExchangeFixture()), 10_000),
      (error) => {
        assert.ok(error instanceof ExchangeError);
        check(error);
        return true;
      },
    );
  } finally {
    await connection.close();
    server.close();
  }
}

describe("lean HTTP/2 ext_proc client", () => {
  let noop: NoopExtProcServer;
  before(async () => {
    noop = await startNoopExtProcServer("127.0.0.1", 0);
  });
  after(async () => {
    await noop.close();
  });

  test("completes Envoy's four-message chat sequence against the no-op floor, many times on one connection", async () => {
    const connection = await connectExtProc(noop.port);
    const exchange = encodeExchange(chatExchangeFixture());
    try {
      const latencies = await Promise.all(
        Array.from({ length: 20 }, () => runH2Exchange(connection, exchange, 10_000)),
      );
      for (const latency of latencies) assert.ok(latency >= 0);
    } finally {
      await connection.close();
    }
  });

  test("sends the messages the fixture describes, with a fresh x-request-id each time", async () => {
    const ids: string[] = [];
    const seen: string[] = [];
    const server = await startServer((call) => {
      call.on("data", (request: ProcessingRequest__Output) => {
        seen.push(request.request ?? "none");
        const headers = request.request_headers?.headers?.headers ?? [];
        const id = headers.find((h) => h.key === "x-request-id")?.raw_value?.toString();
        if (id) ids.push(id);
        const body = request.request_body?.body;
        if (body) assert.equal(body.length, chatExchangeFixture().requestBodyBytes);
        call.write({ [request.request ?? "request_headers"]: {} });
      });
      call.on("end", () => call.end());
    });
    const connection = await connectExtProc(server.port);
    const exchange = encodeExchange(chatExchangeFixture());
    try {
      await runH2Exchange(connection, exchange, 10_000);
      await runH2Exchange(connection, exchange, 10_000);
    } finally {
      await connection.close();
      server.close();
    }
    assert.deepEqual(seen.slice(0, 4), [
      "request_headers",
      "request_body",
      "response_headers",
      "response_body",
    ]);
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
    assert.match(ids[0] ?? "", /^bench-[0-9a-f]{12}-\d{12}$/);
  });

  test("counts an immediate_response as an error instead of a fast request", async () => {
    await expectFailure(
      (call) => {
        call.once("data", () => {
          call.write({
            immediate_response: { status: { code: "Forbidden" }, body: Buffer.from('{"error":"denied"}') },
          });
          call.end();
        });
      },
      (error) => {
        assert.equal(error.kind, "immediate_response Forbidden");
        assert.match(error.message, /denied/);
      },
    );
  });

  test("counts a reply of the wrong oneof as spurious", async () => {
    await expectFailure(
      (call) => call.once("data", () => call.write({ response_body: {} })),
      (error) => {
        assert.equal(error.kind, "spurious reply");
        assert.match(error.message, /expected request_headers, got response_body/);
      },
    );
  });

  test("reports a non-zero grpc-status by name", async () => {
    await expectFailure(
      (call) =>
        call.once("data", () =>
          call.emit("error", { code: grpc.status.UNAVAILABLE, details: "overloaded now" }),
        ),
      (error) => {
        assert.equal(error.kind, "grpc UNAVAILABLE");
        assert.match(error.message, /overloaded now/);
      },
    );
  });

  test("counts a stream closed before the last reply", async () => {
    await expectFailure(
      (call) =>
        call.once("data", () => {
          call.write({ request_headers: {} });
          call.end();
        }),
      (error) => assert.equal(error.kind, "closed early"),
    );
  });

  test("gives up after the timeout", async () => {
    const server = await startServer(() => {});
    const connection = await connectExtProc(server.port);
    try {
      await assert.rejects(runH2Exchange(connection, encodeExchange(chatExchangeFixture()), 100), (error) => {
        assert.ok(error instanceof ExchangeError);
        assert.equal(error.kind, "timeout");
        return true;
      });
    } finally {
      await connection.close();
      server.close();
    }
  });
});
