import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { PolicyStore } from "../../extproc/src/adapters/opa/policy-store.ts";
import { ProviderAttempt } from "../../extproc/src/pipeline/provider-attempt.ts";
import type { ExchangeAction, HeaderList } from "../../extproc/src/protocol/http-exchange.ts";
import { PROVIDER_ADAPTERS } from "../../extproc/src/provider-adapters.ts";

/** The per-attempt filter's handling of bodies that arrive in pieces or outgrow the limit. */
const silent = pino({ level: "silent" });
let policies: PolicyStore;
before(async () => {
  policies = await PolicyStore.open("policies/build/bundle.tar.gz", 0, silent);
});
after(() => policies.close());

const headers = (pairs: Record<string, string>): HeaderList =>
  Object.entries(pairs).map(([name, value]) => ({ name, value }));

function attempt(provider: string, maxBodyBytes: number): ProviderAttempt {
  return new ProviderAttempt({
    provider,
    policies,
    adapters: PROVIDER_ADAPTERS,
    credentials: new Map([[provider, "provider-key"]]),
    maxBodyBytes,
    logger: silent,
  });
}

async function start(a: ProviderAttempt, model: string): Promise<void> {
  await a.onRequestHeaders(
    headers({
      ":method": "POST",
      ":path": "/v1/chat/completions",
      "x-request-id": "req-1",
      "x-gateway-api": "openai.chat_completions",
      "x-gateway-target-model": model,
    }),
  );
}

function statusOf(action: ExchangeAction): number {
  assert.equal(action.kind, "respond");
  return action.kind === "respond" ? action.status : 0;
}

const chat = Buffer.from(JSON.stringify({ model: "x", messages: [{ role: "user", content: "hello" }] }));

describe("a provider attempt's bodies", () => {
  it("translates a request body that arrives in several pieces as one", async () => {
    const a = attempt("anthropic", 1 << 20);
    await start(a, "claude-haiku-4-5");
    assert.equal((await a.onRequestBody(chat.subarray(0, 10), false)).kind, "continue");
    const sent = await a.onRequestBody(chat.subarray(10), true);
    assert.equal(sent.kind, "continue");
    if (sent.kind !== "continue") return;
    const body = JSON.parse(sent.body?.toString() ?? "{}") as { model: string; messages: unknown[] };
    assert.equal(body.model, "claude-haiku-4-5");
    assert.equal(body.messages.length, 1);
  });

  it("refuses a request body over the limit with 413", async () => {
    const a = attempt("anthropic", 32);
    await start(a, "claude-haiku-4-5");
    assert.equal(statusOf(await a.onRequestBody(chat, true)), 413);
  });

  it("refuses a provider answer over the limit with 502 instead of holding it all", async () => {
    const a = attempt("anthropic", 200);
    await start(a, "claude-haiku-4-5");
    await a.onRequestBody(chat, true);
    await a.onResponseHeaders(headers({ ":status": "200", "content-type": "application/json" }), false);
    assert.equal((await a.onResponseBody(Buffer.alloc(150, 0x20), false)).kind, "continue");
    assert.equal(statusOf(await a.onResponseBody(Buffer.alloc(150, 0x20), true)), 502);
  });
});

describe("a provider attempt on a native front", () => {
  async function nativeStart(
    a: ProviderAttempt,
    api: string,
    model: string,
    path: string,
  ): Promise<ExchangeAction> {
    return a.onRequestHeaders(
      headers({
        ":method": "POST",
        ":path": path,
        "x-request-id": "req-n",
        "x-gateway-api": api,
        "x-gateway-target-model": model,
        "anthropic-version": "2026-10-21",
      }),
    );
  }

  it("passes an Anthropic Messages request through: path, provider model, the caller's API version kept", async () => {
    const a = attempt("anthropic", 1 << 20);
    const head = await nativeStart(a, "anthropic.messages", "claude-haiku-4-5", "/v1/messages");
    assert.equal(head.kind, "continue");
    if (head.kind !== "continue") return;
    assert.ok(!head.headers?.remove?.includes("anthropic-version"), "the SDK's version reaches Anthropic");
    assert.ok(head.headers?.remove?.includes("x-goog-api-key"), "other providers' credentials are cleared");
    assert.deepEqual(head.headers?.set, [{ name: "x-api-key", value: "provider-key" }]);
    const request = '{"model":"claude-alias","max_tokens":9,"messages":[{"role":"user","content":"hi"}]}';
    const sent = await a.onRequestBody(Buffer.from(request), true);
    assert.equal(sent.kind, "continue");
    if (sent.kind !== "continue") return;
    assert.equal(sent.body?.toString(), request.replace('"claude-alias"', '"claude-haiku-4-5"'));
    assert.ok(sent.headers?.set?.some((h) => h.name === ":path" && h.value === "/v1/messages"));
    assert.ok(!sent.headers?.set?.some((h) => h.name === "anthropic-version"));
    // The answer is already in the caller's shape: it flows through untouched, event by event.
    const answer = await a.onResponseHeaders(
      headers({ ":status": "200", "content-type": "text/event-stream" }),
      false,
    );
    assert.equal(answer.kind === "continue" ? answer.responseBodyMode : "", "streamed");
    assert.deepEqual(await a.onResponseBody(Buffer.from("event: ping\ndata: {}\n\n"), true), {
      kind: "continue",
    });
  });

  it("sends a Gemini request to the provider model's path, the body as the caller wrote it", async () => {
    for (const [api, path] of [
      ["gemini.generate_content", "/v1beta/models/gemini-2.5-flash:generateContent"],
      ["gemini.stream_generate_content", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"],
    ] as const) {
      const a = attempt("gemini", 1 << 20);
      await nativeStart(a, api, "gemini-2.5-flash", "/v1/models/gemini-alias:generateContent?key=leak");
      const request = '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}';
      const sent = await a.onRequestBody(Buffer.from(request), true);
      assert.equal(sent.kind, "continue");
      if (sent.kind !== "continue") return;
      assert.equal(sent.body?.toString(), request);
      assert.deepEqual(
        sent.headers?.set?.find((h) => h.name === ":path"),
        { name: ":path", value: path },
      );
    }
  });

  it("refuses a native request routed to a provider of another API, in the caller's shape", async () => {
    const a = attempt("demo", 1 << 20);
    await nativeStart(a, "anthropic.messages", "gpt-4o-mini", "/v1/messages");
    const refused = await a.onRequestBody(Buffer.from('{"model":"x","max_tokens":1,"messages":[]}'), true);
    assert.equal(statusOf(refused), 422);
    const body = JSON.parse(refused.kind === "respond" ? refused.body.toString() : "{}") as { type: string };
    assert.equal(body.type, "error");
  });

  it("answers a provider's refusal of the gateway's key as 502 in the caller's shape", async () => {
    const a = attempt("gemini", 1 << 20);
    await nativeStart(a, "gemini.generate_content", "gemini-2.5-flash", "/v1beta/models/x:generateContent");
    await a.onRequestBody(Buffer.from('{"contents":[]}'), true);
    const refused = await a.onResponseHeaders(
      headers({ ":status": "403", "content-type": "application/json" }),
      false,
    );
    assert.equal(statusOf(refused), 502);
    const body = JSON.parse(refused.kind === "respond" ? refused.body.toString() : "{}") as {
      error: { status: string };
    };
    assert.equal(body.error.status, "INTERNAL");
  });
});
