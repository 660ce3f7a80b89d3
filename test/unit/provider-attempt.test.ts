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
