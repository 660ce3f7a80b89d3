import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { PolicyStore } from "../../extproc/src/adapters/opa/policy-store.ts";
import type { AttemptRecord } from "../../extproc/src/pipeline/attempt-record.ts";
import { ProviderAttempt } from "../../extproc/src/pipeline/provider-attempt.ts";
import type { HeaderList } from "../../extproc/src/protocol/http-exchange.ts";
import { PROVIDER_ADAPTERS } from "../../extproc/src/provider-adapters.ts";

/**
 * ProviderAttempt writes exactly one attempt row, at the attempt's first definite end, timed by
 * the injected clock: the answer's end, the gateway's own refusal, or the stream's end.
 */
const silent = pino({ level: "silent" });
let policies: PolicyStore;
before(async () => {
  policies = await PolicyStore.open("policies/build/bundle.tar.gz", 0, silent);
});
after(() => policies.close());

function headers(pairs: Record<string, string>): HeaderList {
  return Object.entries(pairs).map(([name, value]) => ({ name, value }));
}

const requestHeaders = (extra: Record<string, string> = {}): HeaderList =>
  headers({
    ":method": "POST",
    ":path": "/v1/chat/completions",
    "content-type": "application/json",
    "x-request-id": "req-1",
    "x-gateway-api": "openai.chat_completions",
    "x-gateway-target-model": "claude-haiku-4-5",
    ...extra,
  });
const body = Buffer.from(JSON.stringify({ model: "x", messages: [{ role: "user", content: "hi" }] }));
const answer = Buffer.from(
  JSON.stringify({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5",
    content: [{ type: "text", text: "hello" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 1 },
  }),
);

/** An attempt to Anthropic on a clock that advances 10 ms per reading, and the rows it writes. */
function anthropicAttempt(): { attempt: ProviderAttempt; rows: AttemptRecord[] } {
  const rows: AttemptRecord[] = [];
  let now = 1_000;
  const attempt = new ProviderAttempt({
    provider: "anthropic",
    policies,
    adapters: PROVIDER_ADAPTERS,
    credentials: new Map([["anthropic", "sk-ant-test"]]),
    maxBodyBytes: 1 << 20,
    logger: silent,
    recording: {
      sink: { write: (row) => rows.push(row), flush: async () => {}, close: async () => {} },
      clock: {
        nowMs: () => {
          now += 10;
          return now;
        },
      },
    },
  });
  return { attempt, rows };
}

describe("provider attempt rows", () => {
  test("an answer that ends is one completed row with the provider's status and timings", async () => {
    const { attempt, rows } = anthropicAttempt();
    await attempt.onRequestHeaders(requestHeaders({ "x-envoy-attempt-count": "2" }));
    await attempt.onRequestBody(body, true);
    await attempt.onResponseHeaders(headers({ ":status": "200", "content-type": "application/json" }), false);
    await attempt.onResponseBody(answer, true);
    attempt.onStreamEnd("completed");
    assert.deepEqual(rows, [
      {
        time_ms: 1_010,
        request_id: "req-1",
        attempt: 2,
        provider: "anthropic",
        model: "claude-haiku-4-5",
        api: "openai.chat_completions",
        status: 200,
        outcome: "completed",
        error_code: "",
        latency_ms: 20,
        ttfb_ms: 10,
      },
    ]);
  });

  test("a provider refusing the gateway's key is a refused row naming the code", async () => {
    const { attempt, rows } = anthropicAttempt();
    await attempt.onRequestHeaders(requestHeaders());
    await attempt.onRequestBody(body, true);
    await attempt.onResponseHeaders(headers({ ":status": "401" }), false);
    attempt.onStreamEnd("responded");
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.attempt, 1, "no x-envoy-attempt-count: the first attempt");
    assert.equal(rows[0]?.status, 401);
    assert.equal(rows[0]?.outcome, "refused");
    assert.equal(rows[0]?.error_code, "provider_auth_failed");
  });

  test("a stream that ends before the answer does is aborted, even when Envoy closes it in order", async () => {
    const { attempt, rows } = anthropicAttempt();
    await attempt.onRequestHeaders(requestHeaders());
    await attempt.onRequestBody(body, true);
    await attempt.onResponseHeaders(headers({ ":status": "200", "content-type": "application/json" }), false);
    attempt.onStreamEnd("completed");
    assert.deepEqual(
      rows.map((r) => [r.outcome, r.status, r.error_code]),
      [["aborted", 200, ""]],
    );
  });

  test("a processor failure is a failed row; a provider never reached has status 0", async () => {
    const { attempt, rows } = anthropicAttempt();
    await attempt.onRequestHeaders(requestHeaders());
    attempt.onStreamEnd("failed");
    assert.deepEqual(
      rows.map((r) => [r.outcome, r.status, r.error_code, r.ttfb_ms]),
      [["failed", 0, "internal_error", 0]],
    );
  });
});
