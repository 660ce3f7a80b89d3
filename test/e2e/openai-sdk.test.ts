import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { DEMO_KEYS, type GatewayUnderTest, startGatewayUnderTest } from "../support/gateway-under-test.ts";
import { openaiClient, readChatStream } from "../support/sdk-clients.ts";

/**
 * An application using the official openai SDK, pointed at Envoy (the harness), with nothing else
 * changed. Every answer is checked on the wire and in the audit table of a real ClickHouse.
 */
let gw: GatewayUnderTest;
let alice: OpenAI;

before(async () => {
  gw = await startGatewayUnderTest();
  alice = openaiClient(gw);
});
after(async () => {
  await gw.close();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("an approved model through the gateway with the openai SDK", () => {
  it("answers a chat completion and records one allowed audit row with token usage", async () => {
    const { data, response } = await alice.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello gateway" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "Echo: hello gateway");
    const requestId = response.headers.get("x-request-id");
    assert.ok(requestId, "Envoy returns the request id to the caller");

    const received = gw.upstream.requests.at(-1);
    assert.ok(received);
    assert.equal(received.headers.authorization, undefined, "the gateway key never reaches the provider");
    assert.equal(received.headers["x-gateway-route"], undefined, "the routing header is Envoy's only");

    const row = await gw.auditRow(requestId);
    assert.equal(row.decision, "allow");
    assert.equal(row.outcome, "completed");
    assert.equal(row.status, 200);
    assert.equal(row.key_id, "demo-alice");
    assert.equal(row.team, "research");
    assert.equal(row.api, "openai.chat_completions");
    assert.equal(row.requested_model, "gpt-4o-mini");
    assert.equal(row.provider, "demo");
    assert.equal(row.routed_model, "gpt-4o-mini");
    assert.equal(row.prompt_sha256, sha256(received.body.toString("utf8")));
    assert.equal(row.total_tokens, data.usage?.total_tokens);
    assert.ok(row.total_tokens > 0);
    assert.match(row.policy_revision, /^sha256:/);
    assert.equal(row.event_date, new Date(Number(row.time_ms)).toISOString().slice(0, 10));
  });

  it("streams a chat completion chunk by chunk and records the streamed usage", async () => {
    const { data: stream, response } = await alice.chat.completions
      .create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "stream this answer please" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    const { text, chunks, totalTokens: usageTotal } = await readChatStream(stream);
    assert.equal(text, "Echo: stream this answer please");
    assert.ok(chunks > 2, "the answer arrives as several chunks");
    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.equal(row.stream, 1);
    assert.equal(row.outcome, "completed");
    assert.ok(usageTotal > 0);
    assert.equal(row.total_tokens, usageTotal);
  });

  it("serves embeddings and legacy completions for models approved for those APIs", async () => {
    const embeddings = await alice.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    assert.equal(embeddings.data.length, 2);
    const completion = await alice.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "say hi" });
    assert.ok(completion.choices[0]?.text);
  });
});

describe("requests the policy refuses", () => {
  it("surfaces an unapproved model as PermissionDeniedError naming the reason and the request id", async () => {
    const before = gw.upstream.requests.length;
    const error = await alice.chat.completions
      .create({ model: "o1-preview", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.equal(error.status, 403);
    assert.equal(error.code, "model_not_approved");
    assert.match(error.message, /o1-preview/);
    const requestId = error.requestID;
    assert.ok(requestId);
    assert.ok(error.message.includes(requestId), "the message quotes the request id");
    assert.equal(gw.upstream.requests.length, before, "the provider never saw the request");

    const row = await gw.auditRow(requestId);
    assert.equal(row.decision, "deny");
    assert.equal(row.outcome, "denied");
    assert.equal(row.status, 403);
    assert.deepEqual(row.reason_codes, ["model_not_approved"]);
  });

  it("denies a model that differs from an approved one only by case or whitespace", async () => {
    for (const model of ["GPT-4o-mini", " gpt-4o-mini", "gpt-4o-mini\n", "gpt-4o-mini\u200b"]) {
      const error = await alice.chat.completions
        .create({ model, messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.PermissionDeniedError, JSON.stringify(model));
      assert.equal(error.code, "model_unknown");
    }
  });

  it("denies a model the caller's team may not use", async () => {
    const bob = openaiClient(gw, DEMO_KEYS.bob);
    const error = await bob.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError);
    assert.equal(error.code, "model_not_allowed_for_team");
    assert.match(error.message, /marketing/);
  });

  it("answers an unknown API key with AuthenticationError and audits it", async () => {
    const stranger = openaiClient(gw, "gwk_not_a_real_key");
    const error = await stranger.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
    assert.equal(error.code, "invalid_api_key");
    assert.ok(!error.message.includes("gwk_not_a_real_key"), "the key is never echoed");
    const row = await gw.auditRow(error.requestID ?? "");
    assert.equal(row.status, 401);
    assert.equal(row.key_id, "");
    assert.deepEqual(row.reason_codes, ["invalid_api_key"]);
  });
});

describe("listing models", () => {
  it("lists only the models the caller's policy allows, as the openai SDK reads them", async () => {
    const bob = openaiClient(gw, DEMO_KEYS.bob);
    const admin = openaiClient(gw, DEMO_KEYS.admin);
    const ids = async (client: OpenAI) => {
      const list: string[] = [];
      for await (const model of client.models.list()) list.push(model.id);
      return list;
    };
    const bobs = await ids(bob);
    const admins = await ids(admin);
    assert.ok(bobs.includes("gpt-4o-mini"));
    assert.ok(!bobs.includes("gpt-4o"), "gpt-4o is for research and platform only");
    assert.ok(!bobs.includes("o1-preview"), "unapproved models are never listed");
    assert.ok(admins.includes("gpt-4.1"));
    assert.equal(
      gw.upstream.requests.filter((r) => r.path.startsWith("/v1/models")).length,
      0,
      "answered by the gateway",
    );
  });

  it("retrieves one listed model, and answers NotFoundError for one the caller may not use", async () => {
    const bob = openaiClient(gw, DEMO_KEYS.bob);
    const model = await bob.models.retrieve("gpt-4o-mini");
    assert.deepEqual(model, { id: "gpt-4o-mini", object: "model", created: 0, owned_by: "demo" });
    for (const hidden of ["gpt-4o", "o1-preview", "no-such-model"]) {
      const error = await bob.models.retrieve(hidden).catch((caught: unknown) => caught);
      assert.ok(error instanceof OpenAI.NotFoundError, hidden);
      assert.equal(error.code, "model_not_found");
      assert.match(
        error.message,
        new RegExp(`the model '${hidden}' does not exist or this key may not use it`),
      );
    }
  });
});
