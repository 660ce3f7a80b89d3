import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { SLOW_ANSWER_MS } from "../demo/anthropic-upstream/forced-failures.ts";
import { freeLoopbackPort } from "../support/free-port.ts";
import {
  DEMO_KEYS,
  type GatewayUnderTest,
  PROVIDER_KEYS,
  requestIdLiteral,
  startGatewayUnderTest,
} from "../support/gateway-under-test.ts";
import { writeEditedBundle } from "../support/rebundle.ts";
import { openaiClient, readChatStream } from "../support/sdk-clients.ts";

/**
 * One OpenAI-compatible front, any provider behind it: an app using the openai SDK reaches
 * Anthropic and Gemini (mock providers that validate like the real APIs) through the gateway,
 * translated per attempt by the provider's filter, with the provider's key, never the app's.
 */
let gw: GatewayUnderTest;
let client: OpenAI;
before(async () => {
  gw = await startGatewayUnderTest();
  client = openaiClient(gw);
});
after(async () => {
  await gw.close();
});

interface AttemptJoinRow {
  attempt: number;
  provider: string;
  model: string;
  status: number;
  outcome: string;
  error_code: string;
  answered_by: string;
  attempts: number;
}

for (const [name, model] of [
  ["anthropic", "claude-haiku-4-5"],
  ["gemini", "gemini-2.5-flash"],
] as const) {
  describe(`${name} behind the OpenAI front`, () => {
    const upstream = () => (name === "anthropic" ? gw.anthropic : gw.gemini);

    it("answers a chat completion in OpenAI's shape, with the gateway's provider key", async () => {
      const { data, response } = await client.chat.completions
        .create({
          model,
          messages: [
            { role: "system", content: "be brief" },
            { role: "user", content: "hello there" },
          ],
        })
        .withResponse();
      assert.equal(data.object, "chat.completion");
      assert.match(data.choices[0]?.message.content ?? "", /hello there/);
      assert.ok((data.usage?.total_tokens ?? 0) > 0);
      const received = upstream().requests.at(-1);
      assert.ok(received);
      const headers = JSON.stringify(received.headers);
      assert.ok(headers.includes(name === "anthropic" ? PROVIDER_KEYS.anthropic : PROVIDER_KEYS.gemini));
      assert.ok(!headers.includes(DEMO_KEYS.alice), "the app's gateway key never reaches a provider");
      assert.ok(!headers.includes("x-gateway-route"), "the routing header is Envoy's only");
      assert.ok(!headers.includes(DEMO_KEYS.bob), "no caller identity reaches a provider");
      const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
      assert.equal(row.provider, name);
      assert.equal(row.routed_model, model);
      assert.equal(row.total_tokens, data.usage?.total_tokens);
    });

    it("streams the answer as OpenAI chunks", async () => {
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "stream me a reply" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const { text, totalTokens: usage } = await readChatStream(stream);
      assert.match(text, /stream me a reply/);
      assert.ok(usage > 0);
    });

    it("carries tool calls both ways", async () => {
      const answer = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "please use the tool for Paris" }],
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Weather for a city",
              parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
            },
          },
        ],
      });
      const call = answer.choices[0]?.message.tool_calls?.[0];
      assert.equal(answer.choices[0]?.finish_reason, "tool_calls");
      assert.ok(call && call.type === "function");
      assert.equal(call.function.name, "get_weather");
      assert.equal(typeof JSON.parse(call.function.arguments), "object");
    });

    it("refuses a feature the provider lacks with 422 naming it", async () => {
      const error = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "hi" }], logprobs: true })
        .catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.UnprocessableEntityError, String(error));
      assert.match(error.message, /logprobs/);
    });

    it("keeps PII redaction and restore across the translation", async () => {
      const answer = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "write to jane.doe@example.com" }],
      });
      assert.match(answer.choices[0]?.message.content ?? "", /jane\.doe@example\.com/);
      const sent = upstream().requests.at(-1)?.body.toString() ?? "";
      assert.ok(!sent.includes("jane.doe@example.com") && sent.includes("[EMAIL_1]"), sent);
    });
  });
}

describe("switching providers by policy data alone", () => {
  let moved: GatewayUnderTest;
  before(async () => {
    const bundlePath = await writeEditedBundle("moved-to-claude", (data) => {
      const models = (
        data.gateway as { models: Record<string, { provider: string; provider_model: string }> }
      ).models;
      const entry = models["gpt-4o-mini"];
      if (entry) Object.assign(entry, { provider: "anthropic", provider_model: "claude-haiku-4-5" });
    });
    moved = await startGatewayUnderTest({ bundlePath });
  });
  after(async () => {
    await moved.close();
  });

  it("serves the same app code from Claude once the catalogue points gpt-4o-mini there", async () => {
    const app = openaiClient(moved);
    const before = moved.anthropic.requests.length;
    const answer = await app.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "who answers?" }],
    });
    assert.match(answer.choices[0]?.message.content ?? "", /who answers\?/);
    assert.equal(moved.anthropic.requests.length, before + 1);
    const sent = JSON.parse(moved.anthropic.requests.at(-1)?.body.toString() ?? "{}") as { model: string };
    assert.equal(sent.model, "claude-haiku-4-5");
    assert.equal(moved.upstream.requests.length, 0, "the OpenAI-compatible provider was not called");
  });
});

/** A catalogue model on the mock Anthropic whose name makes it fail (see forced-failures.ts). */
const failingClaude = (model: string) => ({
  provider: "anthropic",
  provider_model: model,
  approved: true,
  apis: ["openai.chat_completions"],
  teams: ["*"],
});

/** An alias that tries `first`, then Gemini. */
const aliasOf = (first: string) => ({
  provider: "alias-smart",
  approved: true,
  apis: ["openai.chat_completions"],
  teams: ["*"],
  targets: [
    { model: first, priority: 0, weight: 1 },
    { model: "gemini-2.5-flash", priority: 1, weight: 1 },
  ],
});

/** The shipped bundle plus failing Anthropic models and aliases that try them first. */
function failoverBundle(): Promise<string> {
  return writeEditedBundle("failover", (data) => {
    const models = (data.gateway as { models: Record<string, unknown> }).models;
    for (const failure of ["cut", "503", "429", "slow"]) {
      models[`claude-fail-${failure}`] = failingClaude(`claude-fail-${failure}`);
    }
    models["claude-cut"] = failingClaude("claude-fail-cut");
    for (const failure of ["503", "429", "slow"])
      models[`smart-${failure}`] = aliasOf(`claude-fail-${failure}`);
    models["smart-unapproved"] = aliasOf("o1-preview");
    (models["smart-unapproved"] as { targets: unknown[] }).targets.pop();
  });
}

/** The harness's per-try timeout for these tests, far below envoy.yaml's production value. */
const PER_TRY_TIMEOUT_MS = 300;

describe("failover across providers by Envoy's retry and priority machinery", () => {
  let failing: GatewayUnderTest;
  let app: OpenAI;
  before(async () => {
    failing = await startGatewayUnderTest({
      bundlePath: await failoverBundle(),
      harness: { perTryTimeoutMs: PER_TRY_TIMEOUT_MS },
    });
    app = openaiClient(failing);
  });
  after(async () => {
    await failing.close();
  });

  /** Every attempt of one request, joined to the request's row, in attempt order. */
  const attemptsOf = (requestId: string, expected: number) =>
    failing.rowsWithin<AttemptJoinRow>(
      `SELECT attempt, provider, model, status, outcome, error_code, answered_by, attempts
       FROM ${failing.attemptsTable}
       ALL INNER JOIN (
         SELECT request_id, provider AS answered_by, attempts FROM ${failing.table}
       ) USING request_id
       WHERE request_id = ${requestIdLiteral(requestId)}
       ORDER BY attempt`,
      expected,
    );

  /** The attempt row of a request Gemini answered on the second try, after Anthropic failed. */
  const GEMINI_ANSWERED_SECOND: AttemptJoinRow = {
    attempt: 2,
    provider: "gemini",
    model: "gemini-2.5-flash",
    status: 200,
    outcome: "completed",
    error_code: "",
    answered_by: "gemini",
    attempts: 2,
  };

  it("ends a stream the provider cuts mid-way in a way the openai SDK raises, and audits it as aborted", async () => {
    await failing.audit.flush();
    const auditedBefore = failing.audit.stats().inserted;
    // Envoy resets the client's stream when the provider's connection breaks after its headers;
    // the SDK raises a connection error (an APIError) whether that lands before or during iteration.
    const error = await (async () => {
      const stream = await app.chat.completions.create({
        model: "claude-cut",
        messages: [{ role: "user", content: "tell me a long story" }],
        stream: true,
      });
      for await (const _chunk of stream) {
        // consume until the break
      }
    })().catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    await failing.audit.flush();
    assert.equal(failing.audit.stats().inserted, auditedBefore + 1);
    const rows = await failing.clickhouse.rows<{ outcome: string; requested_model: string }>(
      `SELECT outcome, requested_model FROM ${failing.table} WHERE requested_model = 'claude-cut'`,
    );
    assert.deepEqual(rows, [{ outcome: "aborted", requested_model: "claude-cut" }]);
    const attempts = await failing.rowsWithin<{ outcome: string; status: number }>(
      `SELECT outcome, status FROM ${failing.attemptsTable} WHERE model = 'claude-fail-cut'`,
      1,
    );
    assert.deepEqual(attempts, [{ outcome: "aborted", status: 200 }]);
  });

  for (const alias of ["smart-503", "smart-429"]) {
    it(`answers from the second provider when the first fails (${alias.slice(6)}), translated anew`, async () => {
      const anthropicBefore = failing.anthropic.requests.length;
      const { data, response } = await app.chat.completions
        .create({ model: alias, messages: [{ role: "user", content: "are you there?" }] })
        .withResponse();
      assert.match(data.choices[0]?.message.content ?? "", /are you there\?/);
      assert.equal(
        failing.anthropic.requests.length,
        anthropicBefore + 1,
        "the first attempt went to Anthropic",
      );
      const geminiCall = failing.gemini.requests.at(-1);
      assert.ok(geminiCall?.path.includes("gemini-2.5-flash:generateContent"), geminiCall?.path);
      const geminiHeaders = JSON.stringify(geminiCall?.headers);
      assert.ok(!geminiHeaders.includes(PROVIDER_KEYS.anthropic), "the Anthropic key never reaches Gemini");
      assert.ok(!geminiHeaders.includes("anthropic-version"));
      assert.equal(response.headers.get("x-gateway-answered-by"), null, "internal headers stay internal");
      const row = await failing.auditRow(response.headers.get("x-request-id") ?? "");
      assert.equal(row.provider, "gemini");
      assert.equal(row.routed_model, "gemini-2.5-flash");
      assert.equal(row.attempts, 2);
      assert.equal(row.status, 200);

      // Every attempt has its own row, joined to the request's row by request_id.
      const requestId = response.headers.get("x-request-id") ?? "";
      assert.deepEqual(await attemptsOf(requestId, 2), [
        {
          attempt: 1,
          provider: "anthropic",
          model: `claude-fail-${alias.slice(6)}`,
          // Anthropic says 529 (overloaded) where others say 503; both are retriable 5xx.
          status: alias === "smart-503" ? 529 : 429,
          // The provider's error answer went through the attempt to its end; Envoy's router then
          // retried on its status and went on to the next provider.
          outcome: "completed",
          error_code: "",
          answered_by: "gemini",
          attempts: 2,
        },
        GEMINI_ANSWERED_SECOND,
      ]);
      const timings = await failing.clickhouse.rows<{ ordered: number; ttfb_within: number }>(
        `SELECT min(ttfb_ms <= latency_ms) AS ttfb_within,
                argMax(time_ms, attempt) >= argMin(time_ms, attempt) AS ordered
         FROM ${failing.attemptsTable} WHERE request_id = ${requestIdLiteral(requestId)}`,
      );
      assert.deepEqual(timings, [{ ttfb_within: 1, ordered: 1 }]);
    });
  }

  it("streams from the second provider when the first sends no first byte within the per-try timeout", async () => {
    const anthropicBefore = failing.anthropic.requests.length;
    const started = Date.now();
    const { data: stream, response } = await app.chat.completions
      .create({
        model: "smart-slow",
        messages: [{ role: "user", content: "anyone quick?" }],
        stream: true,
      })
      .withResponse();
    const { text } = await readChatStream(stream);
    assert.match(text, /anyone quick\?/);
    assert.ok(Date.now() - started < SLOW_ANSWER_MS, "did not wait for the slow provider");
    assert.equal(failing.anthropic.requests.length, anthropicBefore + 1, "Anthropic was tried first");
    assert.ok(failing.gemini.requests.at(-1)?.path.includes("streamGenerateContent"));

    const requestId = response.headers.get("x-request-id") ?? "";
    const row = await failing.auditRow(requestId);
    assert.deepEqual(
      { provider: row.provider, routed_model: row.routed_model, attempts: row.attempts, status: row.status },
      { provider: "gemini", routed_model: "gemini-2.5-flash", attempts: 2, status: 200 },
    );
    assert.deepEqual(await attemptsOf(requestId, 2), [
      {
        attempt: 1,
        provider: "anthropic",
        model: "claude-fail-slow",
        // Envoy gave up on it before any answer: no status, ended before its answer did.
        status: 0,
        outcome: "aborted",
        error_code: "",
        answered_by: "gemini",
        attempts: 2,
      },
      GEMINI_ANSWERED_SECOND,
    ]);
    const latency = await failing.clickhouse.rows<{ latency_ms: number }>(
      `SELECT latency_ms FROM ${failing.attemptsTable}
       WHERE request_id = ${requestIdLiteral(requestId)} AND attempt = 1`,
    );
    assert.ok(
      (latency[0]?.latency_ms ?? 0) >= PER_TRY_TIMEOUT_MS - 50,
      "the attempt lasted the per-try timeout",
    );
  });

  it("waits for a slow whole (non-streamed) answer instead of cutting it: no per-try bound on whole answers", async () => {
    const geminiBefore = failing.gemini.requests.length;
    const { data, response } = await app.chat.completions
      .create({ model: "smart-slow", messages: [{ role: "user", content: "take your time" }] })
      .withResponse();
    assert.match(data.choices[0]?.message.content ?? "", /take your time/);
    assert.equal(failing.gemini.requests.length, geminiBefore, "no failover");
    const row = await failing.auditRow(response.headers.get("x-request-id") ?? "");
    assert.deepEqual(
      { provider: row.provider, attempts: row.attempts },
      { provider: "anthropic", attempts: 1 },
    );
  });

  it("refuses an alias with no approved target with 403 naming the alias, sending nothing anywhere", async () => {
    const before = failing.anthropic.requests.length + failing.gemini.requests.length;
    const error = await app.chat.completions
      .create({ model: "smart-unapproved", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.PermissionDeniedError, String(error));
    assert.match(error.message, /model alias 'smart-unapproved' has no target model that is approved/);
    assert.equal(failing.anthropic.requests.length + failing.gemini.requests.length, before);
    const row = await failing.auditRow(error.requestID ?? "");
    assert.deepEqual(
      { decision: row.decision, reason_codes: row.reason_codes, status: row.status },
      { decision: "deny", reason_codes: ["alias_no_approved_target"], status: 403 },
    );
  });
});

describe("failover when the first provider cannot be reached at all", () => {
  let unreachable: GatewayUnderTest;
  before(async () => {
    // A port that was just free: the connection is refused, as for a provider that is down.
    const closedPort = await freeLoopbackPort();
    unreachable = await startGatewayUnderTest({
      clusters: { provider_anthropic: `http://127.0.0.1:${closedPort}` },
    });
  });
  after(async () => {
    await unreachable.close();
  });

  it("answers from the second provider and audits both attempts", async () => {
    const app = openaiClient(unreachable);
    const { data, response } = await app.chat.completions
      .create({ model: "smart", messages: [{ role: "user", content: "is anyone there?" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "Echo: is anyone there?");
    const requestId = response.headers.get("x-request-id") ?? "";
    const row = await unreachable.auditRow(requestId);
    assert.deepEqual(
      { provider: row.provider, attempts: row.attempts, status: row.status },
      { provider: "gemini", attempts: 2, status: 200 },
    );
    const attempts = await unreachable.rowsWithin<{
      attempt: number;
      provider: string;
      status: number;
      outcome: string;
    }>(
      `SELECT attempt, provider, status, outcome FROM ${unreachable.attemptsTable}
       WHERE request_id = ${requestIdLiteral(requestId)} ORDER BY attempt`,
      2,
    );
    assert.deepEqual(attempts, [
      // No connection, so no status: the attempt ended before any answer.
      { attempt: 1, provider: "anthropic", status: 0, outcome: "aborted" },
      { attempt: 2, provider: "gemini", status: 200, outcome: "completed" },
    ]);
  });
});

describe("outlier detection takes a failing provider out of the alias", () => {
  let failing: GatewayUnderTest;
  before(async () => {
    failing = await startGatewayUnderTest({ bundlePath: await failoverBundle() });
  });
  after(async () => {
    await failing.close();
  });

  it("after consecutive_5xx failures, the next request goes straight to the second provider, one attempt", async () => {
    const app = openaiClient(failing);
    const ask = () =>
      app.chat.completions
        .create({ model: "smart-503", messages: [{ role: "user", content: "still there?" }] })
        .withResponse();
    const cluster = failing.harness.config.clusters.provider_anthropic;
    const threshold = cluster?.outlierDetection?.consecutive5xx ?? 0;
    assert.ok(threshold > 0, "envoy.yaml configures consecutive_5xx for provider_anthropic");
    for (let i = 0; i < threshold; i++) {
      const { response } = await ask();
      assert.equal(
        response.headers.get("x-envoy-attempt-count"),
        "2",
        `request ${i + 1}: Anthropic, then Gemini`,
      );
    }
    assert.equal(failing.anthropic.requests.length, threshold);

    const { data, response } = await ask();
    assert.match(data.choices[0]?.message.content ?? "", /still there\?/);
    assert.equal(response.headers.get("x-envoy-attempt-count"), "1");
    assert.equal(failing.anthropic.requests.length, threshold, "Anthropic was not tried at all");
    const requestId = response.headers.get("x-request-id") ?? "";
    const row = await failing.auditRow(requestId);
    assert.deepEqual({ provider: row.provider, attempts: row.attempts }, { provider: "gemini", attempts: 1 });
    const attempts = await failing.rowsWithin<{ attempt: number; provider: string; status: number }>(
      `SELECT attempt, provider, status FROM ${failing.attemptsTable}
       WHERE request_id = ${requestIdLiteral(requestId)}`,
      1,
    );
    assert.deepEqual(attempts, [{ attempt: 1, provider: "gemini", status: 200 }]);
  });
});

describe("Azure OpenAI behind the OpenAI front", () => {
  const MODEL = "gpt-4o-azure";
  // The deployment (the model's provider_model) and api-version come from the policy data.
  const DEPLOYMENT_PATH = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";

  /** What the resource received: the deployment path, Azure's key, and nothing of the caller's. */
  function assertSentToDeployment(before: number) {
    assert.equal(gw.azure.requests.length, before + 1, "one request to the Azure resource");
    const received = gw.azure.requests.at(-1);
    assert.ok(received);
    assert.equal(received.path, DEPLOYMENT_PATH);
    assert.equal(received.headers["api-key"], PROVIDER_KEYS.azure);
    assert.equal(
      received.headers.authorization,
      undefined,
      "no bearer token: Azure would read it as Entra ID",
    );
    const headers = JSON.stringify(received.headers);
    assert.ok(!headers.includes(DEMO_KEYS.alice), "the app's gateway key never reaches a provider");
    assert.ok(!headers.includes("x-gateway-route"), "the routing header is Envoy's only");
    const sent = JSON.parse(received.body.toString()) as { model: string };
    assert.equal(sent.model, "gpt-4o", "the model token names the deployment, not the caller's alias");
  }

  it("answers a chat completion from the deployment, with the gateway's api-key", async () => {
    const before = gw.azure.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "hello azure" }] })
      .withResponse();
    assert.equal(data.object, "chat.completion");
    assert.equal(data.choices[0]?.message.content, "Echo: hello azure");
    assert.ok((data.usage?.total_tokens ?? 0) > 0);
    assertSentToDeployment(before);
    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.equal(row.provider, "azure");
    assert.equal(row.status, 200);
    assert.equal(row.total_tokens, data.usage?.total_tokens);
  });

  it("streams the deployment's answer as it comes", async () => {
    const before = gw.azure.requests.length;
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "stream from azure" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { text, totalTokens: usage } = await readChatStream(stream);
    assert.equal(text, "Echo: stream from azure");
    assert.ok(usage > 0);
    assertSentToDeployment(before);
  });
});

describe("an alias whose targets share a priority shares traffic by weight", () => {
  let shared: GatewayUnderTest;
  // Envoy's random value per request picks among weighted_clusters (value % total weight 4):
  // 0-2 fall to alias_balanced_anthropic_first (weight 3), 3 to alias_balanced_gemini_first.
  const randomValues = [0, 3, 2, 7];
  before(async () => {
    shared = await startGatewayUnderTest({ harness: { randomValue: () => randomValues.shift() ?? 0 } });
  });
  after(async () => {
    await shared.close();
  });

  it("sends each request to the provider its weighted pick starts with", async () => {
    const app = openaiClient(shared, DEMO_KEYS.bob);
    const answeredBy: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { response } = await app.chat.completions
        .create({ model: "balanced", messages: [{ role: "user", content: "who is it?" }] })
        .withResponse();
      assert.equal(response.headers.get("x-envoy-attempt-count"), "1");
      const row = await shared.auditRow(response.headers.get("x-request-id") ?? "");
      answeredBy.push(row.provider);
    }
    assert.deepEqual(answeredBy, ["anthropic", "gemini", "anthropic", "gemini"]);
  });
});

describe("data residency keeps a region's keys on providers in that region", () => {
  let erin: OpenAI;
  before(() => {
    erin = openaiClient(gw, DEMO_KEYS.erin);
  });

  it("serves an EU key's gpt-4o-mini from the EU Azure deployment, and audits where it went", async () => {
    const before = gw.azure.requests.length;
    const { data, response } = await erin.chat.completions
      .create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello from the eu" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "Echo: hello from the eu");
    assert.equal(gw.azure.requests.length, before + 1, "the EU deployment answered");
    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.deepEqual(
      { provider: row.provider, routed_model: row.routed_model, status: row.status },
      { provider: "azure", routed_model: "gpt-4o", status: 200 },
    );
  });

  it("refuses an EU key a model served only outside the EU, naming the rule", async () => {
    const before = gw.anthropic.requests.length;
    const error = await erin.chat.completions
      .create({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.PermissionDeniedError);
    assert.match(
      error.message,
      /keys of region 'eu' may only reach providers in eu; model 'claude-haiku-4-5' is served from us/,
    );
    assert.equal(gw.anthropic.requests.length, before, "nothing reached the provider");
    const row = await gw.auditRow(error.requestID ?? "");
    assert.deepEqual(
      { decision: row.decision, reason_codes: row.reason_codes },
      { decision: "deny", reason_codes: ["data_residency"] },
    );
  });
});
