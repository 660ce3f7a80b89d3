import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import pino from "pino";
import { type RunningExtProcServer, startExtProcServer } from "../../extproc/src/protocol/ext-proc-server.ts";
import type { StreamProcessor } from "../../extproc/src/protocol/http-exchange.ts";
import { loadExtProcPackage } from "../../proto/envoy-ext-proc.ts";
import { headersMessage, openRawStream } from "../support/ext-proc-client.ts";

/**
 * Envoy sends STREAMED body chunks without waiting for answers, so chunks pile up behind a slow
 * one. The held-bytes bound must count them as they arrive, not only the one being processed.
 */
const reply = (status: number, code: string) => ({
  kind: "respond" as const,
  status,
  headers: [{ name: "content-type", value: "application/json" }],
  body: Buffer.from(JSON.stringify({ error: { code } })),
  details: code,
});

/** What the processor of the current test's stream saw; the first body blocks until released. */
let seen = { bodies: 0, ends: [] as string[], release: () => {} };

function slowProcessor(): StreamProcessor {
  return {
    onRequestHeaders: async () => ({ kind: "continue" }),
    async onRequestBody() {
      seen.bodies += 1;
      if (seen.bodies === 1) {
        await new Promise<void>((resolve) => {
          seen.release = resolve;
        });
      }
      return { kind: "continue" };
    },
    onResponseHeaders: async () => ({ kind: "continue" }),
    onResponseBody: async () => ({ kind: "continue" }),
    onStreamEnd: (reason) => {
      seen.ends.push(reason);
    },
  };
}

let server: RunningExtProcServer;
before(async () => {
  server = await startExtProcServer({
    host: "127.0.0.1",
    port: 0,
    maxConcurrentStreams: 8,
    maxHeldBodyBytes: 1000,
    maxMessageBytes: 1 << 20,
    createProcessor: slowProcessor,
    replies: {
      overloaded: () => reply(503, "overloaded"),
      internalError: () => reply(500, "internal_error"),
    },
    logger: pino({ level: "silent" }),
  });
});
after(async () => {
  await server.shutdown(1000);
});

describe("the ext_proc stream loop", () => {
  it("counts queued body chunks against the held-bytes bound as they arrive", async () => {
    seen = { bodies: 0, ends: [], release: () => {} };
    const stream = openRawStream(`127.0.0.1:${server.port}`);
    const headers = await stream.send(headersMessage({ ":method": "POST", ":path": "/x" }, false));
    assert.equal(headers.response, "request_headers");

    const chunk = () => ({ request_body: { body: Buffer.alloc(400, 0x61), end_of_stream: false } });
    const replies = [stream.send(chunk()), stream.send(chunk()), stream.send(chunk())];
    for (let i = 0; i < 100 && server.admission.snapshot().heldBytes < 800; i++) await delay(10);
    // The first chunk is being processed and the second waits behind it: both are held.
    assert.deepEqual(server.admission.snapshot(), { openStreams: 1, heldBytes: 800 });

    seen.release();
    const [first, second, third] = await Promise.all(replies);
    assert.equal(first?.response, "request_body");
    assert.equal(second?.response, "request_body");
    // The third did not fit beside the other two when it arrived: refused, not processed.
    assert.equal(third?.response, "immediate_response");
    assert.equal(third?.immediate_response?.status?.code, "ServiceUnavailable");
    assert.equal(seen.bodies, 2);
    await stream.end();
    for (let i = 0; i < 100 && server.admission.snapshot().openStreams > 0; i++) await delay(10);
    assert.deepEqual(server.admission.snapshot(), { openStreams: 0, heldBytes: 0 });
  });

  it("does not process what was queued behind a slow message once the client cancels", async () => {
    seen = { bodies: 0, ends: [], release: () => {} };
    const Client = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor;
    const client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const call = client.Process();
    call.on("error", () => {});
    const answered = new Promise((resolve) => call.once("data", resolve));
    call.write(headersMessage({ ":method": "POST", ":path": "/x" }, false));
    await answered;
    for (let i = 0; i < 3; i++)
      call.write({ request_body: { body: Buffer.alloc(10), end_of_stream: false } });
    for (let i = 0; i < 100 && seen.bodies === 0; i++) await delay(10);
    call.cancel();
    for (let i = 0; i < 100 && server.admission.snapshot().heldBytes < 30; i++) await delay(10);
    await delay(50);
    seen.release();
    for (let i = 0; i < 100 && seen.ends.length === 0; i++) await delay(10);
    assert.deepEqual(seen.ends, ["cancelled"]);
    assert.equal(seen.bodies, 1, "the two chunks queued behind the first are dropped");
    for (let i = 0; i < 100 && server.admission.snapshot().openStreams > 0; i++) await delay(10);
    assert.deepEqual(server.admission.snapshot(), { openStreams: 0, heldBytes: 0 });
    client.close();
  });
});
