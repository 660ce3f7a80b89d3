import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import pino from "pino";
import { PolicyStore } from "../../extproc/src/adapters/opa/policy-store.ts";
import type { AuditRecord, AuditSink } from "../../extproc/src/pipeline/audit-record.ts";
import { GatewayExchange } from "../../extproc/src/pipeline/gateway-exchange.ts";
import type { ExchangeAction, HeaderList } from "../../extproc/src/protocol/http-exchange.ts";

/**
 * The request pipeline with the shipped policy bundle, without gRPC: what the gateway answers
 * and what it records for each kind of request. (End-to-end behaviour is in test/e2e.)
 */
const BUNDLE = "policies/build/bundle.tar.gz";
const ALICE_KEY = "gwk_demo_alice_7f3c9a";

class RecordingSink implements AuditSink {
  readonly records: AuditRecord[] = [];
  write(record: AuditRecord): void {
    this.records.push(record);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

let policies: PolicyStore;
before(async () => {
  policies = await PolicyStore.open(BUNDLE, 0, pino({ level: "silent" }));
});

function exchange(audit: RecordingSink): GatewayExchange {
  let clock = 1_700_000_000_000;
  let id = 0;
  return new GatewayExchange({
    policies,
    audit,
    clock: {
      nowMs: () => {
        clock += 5;
        return clock;
      },
    },
    ids: { newId: () => `id-${++id}` },
    maxBodyBytes: 1024 * 1024,
    piiHmacKey: Buffer.from("unit-test-hmac-key-0123456789"),
    logger: pino({ level: "silent" }),
  });
}

function requestHeaders(extra: [string, string][] = [], path = "/v1/chat/completions"): HeaderList {
  return [
    [":method", "POST"],
    [":path", path],
    [":authority", "gateway"],
    [":scheme", "http"],
    ["content-type", "application/json"],
    ["authorization", `Bearer ${ALICE_KEY}`],
    ["x-request-id", "req-1"],
    ...extra,
  ].map(([name, value]) => ({ name: name as string, value: value as string }));
}

const chatBody = (model: string) =>
  Buffer.from(JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }));

function errorOf(action: ExchangeAction): { status: number; code: string; message: string } {
  assert.equal(action.kind, "respond");
  if (action.kind !== "respond") throw new Error("unreachable");
  const body = JSON.parse(action.body.toString()) as { error: { code: string; message: string } };
  return { status: action.status, code: body.error.code, message: body.error.message };
}

describe("the request pipeline with the shipped policy", () => {
  it("routes an approved model to its provider and strips the caller's credentials", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    const onHeaders = await ex.onRequestHeaders(requestHeaders([["x-gateway-route", "openai"]]), false);
    assert.equal(onHeaders.kind, "continue");
    if (onHeaders.kind === "continue") {
      assert.ok(onHeaders.headers?.remove?.includes("authorization"));
      assert.ok(onHeaders.headers?.remove?.includes("x-gateway-route"));
    }
    const onBody = await ex.onRequestBody(chatBody("gpt-4o-mini"), true);
    assert.equal(onBody.kind, "continue");
    if (onBody.kind === "continue") {
      assert.deepEqual(onBody.headers?.set, [
        { name: "x-gateway-route", value: "demo" },
        { name: "accept-encoding", value: "identity" },
        { name: "x-gateway-target-model", value: "gpt-4o-mini" },
        { name: "x-gateway-api", value: "openai.chat_completions" },
      ]);
      assert.equal(onBody.clearRouteCache, true);
      assert.equal(onBody.body, undefined, "body passes byte for byte when the model is unchanged");
    }
    await ex.onResponseHeaders(
      [
        { name: ":status", value: "200" },
        { name: "content-type", value: "application/json" },
      ],
      false,
    );
    await ex.onResponseBody(
      Buffer.from('{"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}'),
      true,
    );
    ex.onStreamEnd("completed");
    assert.equal(audit.records.length, 1);
    const row = audit.records[0];
    assert.equal(row?.decision, "allow");
    assert.equal(row?.outcome, "completed");
    assert.equal(row?.provider, "demo");
    assert.equal(row?.key_id, "demo-alice");
    assert.equal(row?.total_tokens, 7);
    assert.equal(row?.status, 200);
    assert.match(row?.policy_revision ?? "", /^sha256:[0-9a-f]{12}$/);
  });

  it("routes a streamed request to an alias with the answer kind and each provider's model", async () => {
    const ex = exchange(new RecordingSink());
    await ex.onRequestHeaders(requestHeaders(), false);
    const body = Buffer.from(
      JSON.stringify({ model: "smart", stream: true, messages: [{ role: "user", content: "hi" }] }),
    );
    const onBody = await ex.onRequestBody(body, true);
    assert.equal(onBody.kind, "continue");
    if (onBody.kind === "continue") {
      const set = onBody.headers?.set ?? [];
      assert.deepEqual(set.slice(0, 5), [
        { name: "x-gateway-route", value: "alias-smart" },
        { name: "x-gateway-answer", value: "stream" },
        { name: "accept-encoding", value: "identity" },
        { name: "x-gateway-target-model", value: "smart" },
        { name: "x-gateway-api", value: "openai.chat_completions" },
      ]);
      assert.equal(set[5]?.name, "x-gateway-targets");
      assert.deepEqual(Object.fromEntries(new URLSearchParams(set[5]?.value)), {
        anthropic: "claude-haiku-4-5",
        gemini: "gemini-2.5-flash",
      });
    }
  });

  it("denies a model outside the catalogue with 403 naming the reason and the request id", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    await ex.onRequestHeaders(requestHeaders(), false);
    const error = errorOf(await ex.onRequestBody(chatBody("GPT-4o-mini"), true));
    assert.equal(error.status, 403);
    assert.equal(error.code, "model_unknown");
    assert.match(error.message, /GPT-4o-mini/);
    assert.match(error.message, /req-1/);
    assert.equal(audit.records[0]?.decision, "deny");
    assert.deepEqual(audit.records[0]?.reason_codes, ["model_unknown"]);
  });

  it("answers 401 before reading the body when the key is unknown", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    const headers = requestHeaders().map((h) =>
      h.name === "authorization" ? { ...h, value: "Bearer nope" } : h,
    );
    const error = errorOf(await ex.onRequestHeaders(headers, false));
    assert.equal(error.status, 401);
    assert.equal(audit.records[0]?.reason_codes[0], "invalid_api_key");
  });

  it("decodes a gzip body, inspects it, and forwards it decoded with a matching content-length", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    await ex.onRequestHeaders(requestHeaders([["content-encoding", "gzip"]]), false);
    const action = await ex.onRequestBody(gzipSync(chatBody("gpt-4o-mini")), true);
    assert.equal(action.kind, "continue");
    if (action.kind !== "continue") return;
    assert.deepEqual(action.body, chatBody("gpt-4o-mini"));
    assert.ok(action.headers?.remove?.includes("content-encoding"));
    assert.ok(
      action.headers?.set?.some(
        (h) => h.name === "content-length" && h.value === String(action.body?.length),
      ),
    );
  });

  it("denies an unknown path with 404 from the policy", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    await ex.onRequestHeaders(requestHeaders([], "/v1/chat/completions/"), false);
    const error = errorOf(await ex.onRequestBody(chatBody("gpt-4o-mini"), true));
    assert.equal(error.status, 404);
    assert.equal(error.code, "unknown_api");
  });

  it("records a request whose stream ended before the response as aborted", async () => {
    const audit = new RecordingSink();
    const ex = exchange(audit);
    await ex.onRequestHeaders(requestHeaders(), false);
    await ex.onRequestBody(chatBody("gpt-4o-mini"), true);
    ex.onStreamEnd("cancelled");
    assert.equal(audit.records[0]?.outcome, "aborted");
    assert.equal(audit.records[0]?.decision, "allow");
  });

  it("refuses with 502 an answer it must redact but cannot read, instead of passing it", async () => {
    const piiBody = Buffer.from(
      JSON.stringify({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "mail jane@example.com" }],
      }),
    );
    const streamed = exchange(new RecordingSink());
    await streamed.onRequestHeaders(requestHeaders(), false);
    await streamed.onRequestBody(piiBody, true);
    const sse = await streamed.onResponseHeaders(
      [
        { name: ":status", value: "200" },
        { name: "content-type", value: "text/event-stream" },
        { name: "content-encoding", value: "gzip" },
      ],
      false,
    );
    assert.equal(errorOf(sse).status, 502);
    assert.equal(errorOf(sse).code, "provider_response_unreadable");

    const buffered = exchange(new RecordingSink());
    await buffered.onRequestHeaders(requestHeaders(), false);
    await buffered.onRequestBody(piiBody, true);
    await buffered.onResponseHeaders(
      [
        { name: ":status", value: "200" },
        { name: "content-type", value: "application/json" },
        { name: "content-encoding", value: "zstd" },
      ],
      false,
    );
    assert.equal(errorOf(await buffered.onResponseBody(Buffer.from("(zstd bytes)"), true)).status, 502);
  });

  it("decodes a gzip JSON answer to restore placeholders, and forwards it decoded", async () => {
    const ex = exchange(new RecordingSink());
    await ex.onRequestHeaders(requestHeaders(), false);
    await ex.onRequestBody(
      Buffer.from(
        JSON.stringify({
          model: "gpt-4o-mini",
          messages: [{ role: "user", content: "mail jane@example.com" }],
        }),
      ),
      true,
    );
    await ex.onResponseHeaders(
      [
        { name: ":status", value: "200" },
        { name: "content-type", value: "application/json" },
        { name: "content-encoding", value: "gzip" },
      ],
      false,
    );
    const answer = {
      choices: [{ index: 0, message: { role: "assistant", content: "Echo: mail [EMAIL_1]" } }],
    };
    const action = await ex.onResponseBody(gzipSync(Buffer.from(JSON.stringify(answer))), true);
    assert.equal(action.kind, "continue");
    if (action.kind !== "continue") return;
    const body = JSON.parse(action.body?.toString() ?? "{}") as typeof answer;
    assert.equal(body.choices[0]?.message.content, "Echo: mail jane@example.com");
    assert.ok(action.headers?.remove?.includes("content-encoding"));
    assert.deepEqual(action.headers?.set, [{ name: "content-length", value: String(action.body?.length) }]);
  });
});
