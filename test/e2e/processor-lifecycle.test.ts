import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { headersMessage, openRawStream, responseHeadersMessage } from "../support/ext-proc-client.ts";
import { DEMO_KEYS, type GatewayUnderTest, startGatewayUnderTest } from "../support/gateway-under-test.ts";
import { rebundle, SHIPPED_BUNDLE } from "../support/rebundle.ts";

/** The processor as a long-running service: reloads, limits, shutdown, start-up failures. */

const chatHeaders = (requestId: string) => ({
  ":method": "POST",
  ":path": "/v1/chat/completions",
  ":authority": "gateway",
  ":scheme": "http",
  "content-type": "application/json",
  authorization: `Bearer ${DEMO_KEYS.alice}`,
  "x-request-id": requestId,
});
const chatBody = Buffer.from(
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
);

async function chat(gw: GatewayUnderTest, model: string): Promise<{ status: number; requestId: string }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, requestId: response.headers.get("x-request-id") ?? "" };
}

describe("policy bundle reload", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "gateway-bundle-"));
  const bundlePath = path.join(dir, "bundle.tar.gz");
  let gw: GatewayUnderTest;
  before(async () => {
    copyFileSync(SHIPPED_BUNDLE, bundlePath);
    gw = await startGatewayUnderTest({ bundlePath });
  });
  after(async () => {
    await gw.close();
  });

  it("keeps serving with the last good bundle when a new one is broken", async () => {
    const revision = gw.gateway.policies.current().revision;
    writeFileSync(bundlePath, "this is not a bundle");
    assert.equal(await gw.gateway.policies.reloadIfChanged(), false);
    assert.equal(gw.gateway.policies.current().revision, revision);
    assert.equal((await chat(gw, "gpt-4o-mini")).status, 200);
  });

  it("refuses a new bundle whose custom PII pattern cannot run in linear time, keeping the last good one", async () => {
    const revision = gw.gateway.policies.current().revision;
    const unsafe = await rebundle(readFileSync(SHIPPED_BUNDLE), "unsafe-pattern", (data) => {
      const pii = (data.gateway as { pii: { custom: { patterns: unknown[] } } }).pii;
      pii.custom.patterns.push({ type: "BACKREF_ID", pattern: "(ab)\\1" });
    });
    writeFileSync(bundlePath, unsafe);
    assert.equal(await gw.gateway.policies.reloadIfChanged(), false);
    assert.equal(gw.gateway.policies.current().revision, revision);
    assert.equal((await chat(gw, "gpt-4o-mini")).status, 200);
  });

  it("applies a changed catalogue without a restart and audits the new revision", async () => {
    const original = readFileSync(SHIPPED_BUNDLE);
    const changed = await rebundle(original, "test-revision-2", (data) => {
      const gateway = data.gateway as { models: Record<string, { approved: boolean }> };
      const model = gateway.models["gpt-4o-mini"];
      if (model) model.approved = false;
    });
    writeFileSync(bundlePath, changed);
    assert.equal(await gw.gateway.policies.reloadIfChanged(), true);
    const denied = await chat(gw, "gpt-4o-mini");
    assert.equal(denied.status, 403);
    const row = await gw.auditRow<{ policy_revision: string; reason_codes: string[] }>(denied.requestId);
    assert.equal(row.policy_revision, "test-revision-2");
    assert.deepEqual(row.reason_codes, ["model_not_approved"]);
  });
});

describe("processor limits and shutdown", () => {
  let gw: GatewayUnderTest;
  before(async () => {
    gw = await startGatewayUnderTest({ env: { GATEWAY_MAX_CONCURRENT_STREAMS: "2" } });
  });
  after(async () => {
    await gw.close().catch(() => {});
  });

  it("answers 503 in the OpenAI error shape beyond the concurrent stream bound", async () => {
    const address = `127.0.0.1:${gw.gateway.port}`;
    const held = [openRawStream(address), openRawStream(address)];
    for (const [i, stream] of held.entries()) {
      const reply = await stream.send(headersMessage(chatHeaders(`held-${i}`), false));
      assert.equal(reply.response, "request_headers");
    }
    const extra = openRawStream(address);
    const refused = await extra.send(headersMessage(chatHeaders("extra"), false));
    assert.equal(refused.response, "immediate_response");
    assert.equal(refused.immediate_response?.status?.code, "ServiceUnavailable");
    const body = JSON.parse(refused.immediate_response?.body.toString() ?? "{}") as {
      error: { code: string };
    };
    assert.equal(body.error.code, "overloaded");
    await extra.end();
    for (const stream of held) await stream.end();
  });

  it("finishes an open stream on shutdown, refuses new ones, and flushes its audit row", async () => {
    const address = `127.0.0.1:${gw.gateway.port}`;
    const stream = openRawStream(address);
    assert.equal(
      (await stream.send(headersMessage(chatHeaders("in-flight"), false))).response,
      "request_headers",
    );
    const closing = gw.gateway.close();
    const body = await stream.send({ request_body: { body: chatBody, end_of_stream: true } });
    assert.equal(body.response, "request_body");
    const late = openRawStream(address);
    await assert.rejects(late.send(headersMessage(chatHeaders("late"), true)));
    const resp = await stream.send(responseHeadersMessage({ ":status": "200" }, true));
    assert.equal(resp.response, "response_headers");
    assert.equal(await stream.end(), grpc.status.OK);
    await closing;
    const row = await gw.auditRow<{ outcome: string; status: number }>("in-flight");
    assert.equal(row.outcome, "completed");
    assert.equal(row.status, 200);
  });
});

describe("start-up", () => {
  it("exits with a clear message when the policy bundle does not load", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gateway-bad-bundle-"));
    const bad = path.join(dir, "bundle.tar.gz");
    writeFileSync(bad, gzipSync(Buffer.from("not a tar")));
    const run = spawnSync(process.execPath, ["--import", "tsx", "extproc/src/main.ts"], {
      env: { ...process.env, GATEWAY_BUNDLE_PATH: bad, GATEWAY_GRPC_PORT: "0", GATEWAY_AUDIT_SPOOL_DIR: dir },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout + run.stderr, /policy bundle at .* does not load/);
  });

  for (const [what, entry] of [
    ["from source", ["--import", "tsx", "extproc/src/main.ts"]],
    ["compiled, as the container image runs it (npm run build)", ["dist/extproc/src/main.js"]],
  ] as const) {
    it(`starts ${what}, and stops on SIGTERM with exit code 0`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "gateway-sigterm-"));
      const child = spawn(process.execPath, [...entry], {
        env: {
          ...process.env,
          GATEWAY_GRPC_PORT: "0",
          GATEWAY_AUDIT_SPOOL_DIR: dir,
          GATEWAY_CLICKHOUSE_URL: "",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("gateway ext_proc server listening")) child.kill("SIGTERM");
      });
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      assert.equal(code, 0, output);
      assert.match(output, /"msg":"stopped"/);
    });
  }

  it("exits with a clear message on invalid configuration", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "extproc/src/main.ts"], {
      env: { ...process.env, GATEWAY_GRPC_PORT: "not-a-port" },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /GATEWAY_GRPC_PORT/);
  });
});
