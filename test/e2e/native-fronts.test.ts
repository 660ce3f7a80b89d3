import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, type GoogleGenAI } from "@google/genai";
import {
  DEMO_KEYS,
  type GatewayUnderTest,
  PROVIDER_KEYS,
  requestIdLiteral,
  startGatewayUnderTest,
} from "../support/gateway-under-test.ts";
import { writeEditedBundle } from "../support/rebundle.ts";
import { anthropicClient, geminiClient } from "../support/sdk-clients.ts";

/**
 * The native fronts: apps that use the official @anthropic-ai/sdk or @google/genai point them at
 * the gateway with their gateway key and change nothing else. The policy judges the model they
 * name (Gemini's from the path), PII is redacted before the provider and restored in the answer,
 * refusals reach the SDK as its own error classes, and every request is audited.
 */
let gw: GatewayUnderTest;
let claude: Anthropic;
let gemini: GoogleGenAI;
before(async () => {
  gw = await startGatewayUnderTest();
  claude = anthropicClient(gw);
  gemini = geminiClient(gw);
});
after(async () => {
  await gw.close();
});

const EMAIL = "jane.doe@example.com";

/** What the provider received: its own key, nothing of the caller's. */
function assertSentWithProviderKey(
  received: { headers: Record<string, string | string[] | undefined> } | undefined,
  header: string,
  key: string,
) {
  assert.ok(received, "the provider was called");
  assert.equal(received.headers[header], key);
  const headers = JSON.stringify(received.headers);
  assert.ok(!headers.includes(DEMO_KEYS.alice), "the app's gateway key never reaches a provider");
  assert.ok(!headers.includes("x-gateway-route"), "the routing header is Envoy's only");
}

describe("Anthropic's POST /v1/messages through the gateway, with @anthropic-ai/sdk", () => {
  it("answers a message from the Anthropic provider, passed through with the gateway's key", async () => {
    const { data, response } = await claude.messages
      .create({
        model: "claude-haiku-4-5",
        max_tokens: 200,
        system: "be brief",
        messages: [{ role: "user", content: "hello there" }],
      })
      .withResponse();
    assert.equal(data.type, "message");
    assert.deepEqual(data.content, [{ type: "text", text: "Echo: hello there" }]);
    const received = gw.anthropic.requests.at(-1);
    assertSentWithProviderKey(received, "x-api-key", PROVIDER_KEYS.anthropic);
    assert.equal(received?.path, "/v1/messages");
    assert.equal(
      received?.headers.authorization,
      undefined,
      "the SDK's bearer token (the gateway key) is gone",
    );
    assert.equal(received?.headers["anthropic-version"], "2026-10-21", "the SDK's own API version is kept");
    const sent = JSON.parse(received?.body.toString() ?? "{}") as { model: string; system: string };
    assert.equal(sent.model, "claude-haiku-4-5");
    assert.equal(sent.system, "be brief", "the body passes untranslated");

    const row = await gw.auditRow(response.headers.get("x-request-id") ?? "");
    assert.equal(row.api, "anthropic.messages");
    assert.equal(row.requested_model, "claude-haiku-4-5");
    assert.equal(row.provider, "anthropic");
    assert.equal(row.routed_model, "claude-haiku-4-5");
    assert.equal(row.status, 200);
    assert.equal(row.prompt_tokens, data.usage.input_tokens);
    assert.equal(row.completion_tokens, data.usage.output_tokens);
    assert.equal(row.total_tokens, data.usage.input_tokens + data.usage.output_tokens);
  });

  it("takes the gateway key from x-api-key too, and replaces it with the provider's", async () => {
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": DEMO_KEYS.bob,
        "anthropic-version": "2023-06-01",
      },
      body: JSON.stringify({
        model: "claude-haiku-4-5",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi from curl" }],
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(
      ((await response.json()) as { content: { text: string }[] }).content[0]?.text,
      "Echo: hi from curl",
    );
    const received = gw.anthropic.requests.at(-1);
    assert.equal(received?.headers["x-api-key"], PROVIDER_KEYS.anthropic);
    assert.ok(!JSON.stringify(received?.headers).includes(DEMO_KEYS.bob));
    assert.equal(received?.headers["anthropic-version"], "2023-06-01");
  });

  it("streams Anthropic's events as they come, and audits the stream's usage", async () => {
    const stream = claude.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: [{ role: "user", content: "stream me a reply" }],
    });
    const events: string[] = [];
    stream.on("streamEvent", (event) => events.push(event.type));
    const message = await stream.finalMessage();
    assert.deepEqual(message.content, [{ type: "text", text: "Echo: stream me a reply" }]);
    assert.equal(events[0], "message_start");
    assert.equal(events.at(-1), "message_stop");
    const requestId = (await stream.withResponse()).response.headers.get("x-request-id") ?? "";
    const row = await gw.auditRow(requestId);
    assert.equal(row.api, "anthropic.messages");
    assert.equal(row.stream, 1);
    assert.equal(row.total_tokens, message.usage.input_tokens + message.usage.output_tokens);
    assert.ok(row.total_tokens > 0);
  });

  it("refuses a model the policy denies with the SDK's PermissionDeniedError, naming the reason", async () => {
    const before = gw.anthropic.requests.length;
    const error = await claude.messages
      .create({ model: "o1-preview", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.PermissionDeniedError, String(error));
    assert.equal(error.status, 403);
    assert.deepEqual(Object.keys(error.error as object).sort(), ["error", "request_id", "type"]);
    assert.match(error.message, /"type":"permission_error"/);
    assert.match(error.message, /model 'o1-preview' is not approved/);
    assert.match(error.message, /request id: /);
    assert.equal(gw.anthropic.requests.length, before, "nothing reached the provider");
    const row = await gw.auditRow(error.headers.get("x-request-id") ?? "");
    assert.equal(row.api, "anthropic.messages");
    assert.equal(row.requested_model, "o1-preview");
    assert.equal(row.decision, "deny");
    assert.equal(row.status, 403);
    assert.deepEqual(row.reason_codes, ["model_not_approved", "model_api_mismatch"]);
  });

  it("refuses an unknown key with the SDK's AuthenticationError", async () => {
    const stranger = anthropicClient(gw, "gwk_nobody");
    const error = await stranger.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.AuthenticationError, String(error));
    assert.match(error.message, /"type":"authentication_error"/);
    assert.match(error.message, /not known to the gateway/);
  });

  it("refuses a model served through another API with a 400 saying so", async () => {
    const error = await claude.messages
      .create({ model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.BadRequestError, String(error));
    assert.match(error.message, /"type":"invalid_request_error"/);
    assert.match(error.message, /model 'gpt-4o-mini' cannot be used with the anthropic\.messages API/);
  });

  it("redacts PII before Anthropic sees it and restores it in the answer, whole and streamed", async () => {
    const answer = await claude.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: [{ role: "user", content: [{ type: "text", text: `write to ${EMAIL} today` }] }],
    });
    assert.deepEqual(answer.content, [{ type: "text", text: `Echo: write to ${EMAIL} today` }]);
    const sent = gw.anthropic.requests.at(-1)?.body.toString() ?? "";
    assert.ok(!sent.includes(EMAIL) && sent.includes("write to [EMAIL_1] today"), sent);

    const stream = claude.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: [{ role: "user", content: `mail ${EMAIL} please` }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    await stream.finalMessage();
    assert.equal(text, `Echo: mail ${EMAIL} please`);
    const streamed = gw.anthropic.requests.at(-1)?.body.toString() ?? "";
    assert.ok(!streamed.includes(EMAIL) && streamed.includes("[EMAIL_1]"), streamed);

    const requestId = (await stream.withResponse()).response.headers.get("x-request-id") ?? "";
    const row = await gw.auditRow(requestId);
    assert.deepEqual(row.pii_types, ["EMAIL"]);
    assert.deepEqual(row.pii_directions, ["request"]);
    assert.ok(!JSON.stringify(row).includes(EMAIL), "no raw value in the audit row");
  });

  it("redacts PII in a plain-text document (its text, title and context) as in any message text", async () => {
    await claude.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 200,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "document",
              title: `Notes for ${EMAIL}`,
              context: "CRM export",
              source: {
                type: "text",
                media_type: "text/plain",
                data: `Customer ${EMAIL} asked for a refund.`,
              },
            },
            { type: "text", text: "Summarise the document." },
          ],
        },
      ],
    });
    const sent = gw.anthropic.requests.at(-1)?.body.toString() ?? "";
    assert.ok(!sent.includes(EMAIL), sent);
    assert.ok(
      sent.includes("Customer [EMAIL_1] asked for a refund.") && sent.includes("Notes for [EMAIL_1]"),
      sent,
    );
  });
});

describe("Gemini's generateContent through the gateway, with @google/genai", () => {
  it("answers from the Gemini provider, the model from the path, with the gateway's key", async () => {
    const before = gw.gemini.requests.length;
    const response = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "hello there",
      config: { systemInstruction: "be brief", maxOutputTokens: 100 },
    });
    assert.equal(response.text, "Echo: hello there");
    assert.equal(gw.gemini.requests.length, before + 1);
    const received = gw.gemini.requests.at(-1);
    assertSentWithProviderKey(received, "x-goog-api-key", PROVIDER_KEYS.gemini);
    assert.equal(received?.path, "/v1beta/models/gemini-2.5-flash:generateContent");

    const requestId = response.sdkHttpResponse?.headers?.["x-request-id"] ?? "";
    const row = await gw.auditRow(requestId);
    assert.equal(row.api, "gemini.generate_content");
    assert.equal(row.path, "/v1/models/gemini-2.5-flash:generateContent", "the SDK's default version");
    assert.equal(row.requested_model, "gemini-2.5-flash");
    assert.equal(row.provider, "gemini");
    assert.equal(row.stream, 0);
    assert.equal(row.status, 200);
    assert.equal(row.total_tokens, response.usageMetadata?.totalTokenCount);
    assert.equal(row.prompt_tokens, response.usageMetadata?.promptTokenCount);
    const attempts = await gw.rowsWithin<{ api: string; provider: string; model: string; status: number }>(
      `SELECT api, provider, model, status FROM ${gw.attemptsTable} WHERE request_id = ${requestIdLiteral(requestId)}`,
      1,
    );
    assert.deepEqual(attempts, [
      { api: "gemini.generate_content", provider: "gemini", model: "gemini-2.5-flash", status: 200 },
    ]);
  });

  it("streams server-sent events from :streamGenerateContent?alt=sse and audits the usage", async () => {
    const stream = await gemini.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "stream me a reply",
    });
    let text = "";
    let requestId = "";
    let total = 0;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      requestId = chunk.sdkHttpResponse?.headers?.["x-request-id"] ?? requestId;
      total = chunk.usageMetadata?.totalTokenCount ?? total;
    }
    assert.equal(text, "Echo: stream me a reply");
    assert.equal(
      gw.gemini.requests.at(-1)?.path,
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    const row = await gw.auditRow(requestId);
    assert.equal(row.api, "gemini.stream_generate_content");
    assert.equal(row.stream, 1);
    assert.equal(row.total_tokens, total);
    assert.ok(total > 0);
  });

  it("refuses a model outside the catalogue with a 403 ApiError in Google's shape", async () => {
    const error = await gemini.models
      .generateContent({ model: "gemini-2.5-pro", contents: "hi" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 403);
    const body = JSON.parse(error.message) as { error: { code: number; status: string; message: string } };
    assert.equal(body.error.code, 403);
    assert.equal(body.error.status, "PERMISSION_DENIED");
    assert.match(body.error.message, /model 'gemini-2\.5-pro' is not in the gateway's model catalogue/);
    assert.match(body.error.message, /request id: /);
  });

  it("refuses an unknown key with 401 UNAUTHENTICATED", async () => {
    const stranger = geminiClient(gw, "gwk_nobody");
    const error = await stranger.models
      .generateContent({ model: "gemini-2.5-flash", contents: "hi" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 401);
    assert.equal(
      (JSON.parse(error.message) as { error: { status: string } }).error.status,
      "UNAUTHENTICATED",
    );
  });

  it("refuses a model served through another API with 400 INVALID_ARGUMENT", async () => {
    const error = await gemini.models
      .generateContent({ model: "claude-haiku-4-5", contents: "hi" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 400);
    assert.match(error.message, /cannot be used with the gemini\.generate_content API/);
  });

  it("refuses paths it would read differently from Gemini, and a key in the URL, before any provider", async () => {
    const before = gw.gemini.requests.length;
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
    for (const path of [
      "/v1beta/models/gemini-2.5-flash%3AgenerateContent",
      "/v1beta/models/../models/gemini-2.5-flash:generateContent",
      "/v1beta/models/x/gemini-2.5-flash:generateContent",
      "/v1beta/models/Gemini-2.5-Flash:generateContent",
      "/v1beta/models/gemini-2.5-flash:generateContent?key=gwk_demo_alice_7f3c9a",
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=gwk_demo_alice_7f3c9a",
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
    ]) {
      const response = await rawRequest(path, body);
      assert.equal(response.status, 400, path);
      const error = (JSON.parse(response.body) as { error: { status: string; message: string } }).error;
      assert.equal(error.status, "INVALID_ARGUMENT", path);
      assert.ok(error.message.length > 0);
    }
    const keyInUrl = await rawRequest("/v1beta/models/gemini-2.5-flash:generateContent?key=x", body);
    assert.match(keyInUrl.body, /x-goog-api-key/);
    // The key only in the URL: told where it belongs, not that none came.
    const onlyInUrl = await rawRequest(
      `/v1beta/models/gemini-2.5-flash:generateContent?key=${DEMO_KEYS.alice}`,
      body,
      {},
    );
    assert.equal(onlyInUrl.status, 400);
    assert.match(onlyInUrl.body, /x-goog-api-key/);
    assert.equal(gw.gemini.requests.length, before, "nothing reached the provider");
  });

  it("redacts PII before Gemini sees it and restores it in the answer, whole and streamed", async () => {
    const answer = await gemini.models.generateContent({
      model: "gemini-2.5-flash",
      contents: `write to ${EMAIL} today`,
    });
    assert.equal(answer.text, `Echo: write to ${EMAIL} today`);
    const sent = gw.gemini.requests.at(-1)?.body.toString() ?? "";
    assert.ok(!sent.includes(EMAIL) && sent.includes("write to [EMAIL_1] today"), sent);

    const stream = await gemini.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: `mail ${EMAIL} please`,
    });
    let text = "";
    let requestId = "";
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      requestId = chunk.sdkHttpResponse?.headers?.["x-request-id"] ?? requestId;
    }
    assert.equal(text, `Echo: mail ${EMAIL} please`);
    const streamed = gw.gemini.requests.at(-1)?.body.toString() ?? "";
    assert.ok(!streamed.includes(EMAIL) && streamed.includes("[EMAIL_1]"), streamed);
    const row = await gw.auditRow(requestId);
    assert.deepEqual(row.pii_types, ["EMAIL"]);
    assert.match(row.prompt, /\[EMAIL_1\]/, "the stored prompt is the redacted one");
    assert.ok(!JSON.stringify(row).includes(EMAIL), "no raw value in the audit row");
  });
});

describe("a call the gateway does not serve, from a native SDK", () => {
  it("refuses Anthropic's count_tokens in Anthropic's error shape", async () => {
    const error = await claude.messages
      .countTokens({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.NotFoundError, String(error));
    assert.equal((error.error as { type?: string }).type, "error");
    assert.match(error.message, /"type":"not_found_error"/);
  });

  it("refuses Gemini's countTokens in Google's error shape", async () => {
    const error = await gemini.models
      .countTokens({ model: "gemini-2.5-flash", contents: "hi" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 404);
    assert.match(error.message, /"status":"NOT_FOUND"/);
  });
});

describe("a provider refusing the gateway's own key", () => {
  let broken: GatewayUnderTest;
  before(async () => {
    broken = await startGatewayUnderTest({
      env: { GATEWAY_PROVIDER_KEY_ANTHROPIC: "sk-ant-revoked", GATEWAY_PROVIDER_KEY_GEMINI: "revoked" },
    });
  });
  after(async () => {
    await broken.close();
  });

  it("reaches an Anthropic caller as a 502 api_error, never as its own key's fault", async () => {
    const app = anthropicClient(broken);
    const error = await app.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.InternalServerError, String(error));
    assert.equal(error.status, 502);
    assert.match(error.message, /"type":"api_error"/);
    assert.match(error.message, /refused the gateway's credentials/);
  });

  it("reaches a Gemini caller as a 502 INTERNAL, though Gemini says 400 API_KEY_INVALID", async () => {
    const app = geminiClient(broken);
    const error = await app.models
      .generateContent({ model: "gemini-2.5-flash", contents: "hi" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 502);
    const body = JSON.parse(error.message) as { error: { status: string; message: string } };
    assert.equal(body.error.status, "INTERNAL");
    assert.match(body.error.message, /the provider 'gemini' refused the gateway's credentials/);
  });
});

describe("a native stream the provider cuts mid-way", () => {
  let cutting: GatewayUnderTest;
  before(async () => {
    // The mock providers break the connection half-way through models named "...fail-cut".
    const bundlePath = await writeEditedBundle("native-cut", (data) => {
      const models = (data.gateway as { models: Record<string, unknown> }).models;
      models["claude-cut"] = {
        provider: "anthropic",
        provider_model: "claude-fail-cut",
        approved: true,
        apis: ["anthropic.messages"],
        teams: ["*"],
      };
      models["gemini-cut"] = {
        provider: "gemini",
        provider_model: "gemini-fail-cut",
        approved: true,
        apis: ["gemini.stream_generate_content"],
        teams: ["*"],
      };
    });
    cutting = await startGatewayUnderTest({ bundlePath });
  });
  after(async () => {
    await cutting.close();
  });

  // Envoy resets the caller's stream when the provider's connection breaks after its headers.
  it("ends in an error the Anthropic SDK raises, audited as aborted", async () => {
    const app = anthropicClient(cutting);
    const seen: string[] = [];
    const error = await (async () => {
      const stream = await app.messages.create({
        model: "claude-cut",
        max_tokens: 200,
        stream: true,
        messages: [{ role: "user", content: "tell me a long story" }],
      });
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.APIError, String(error));
    assert.ok(!seen.includes("message_stop"), "the caller never reads a complete answer");
    const rows = await cutting.rowsWithin<{ outcome: string; api: string }>(
      `SELECT outcome, api FROM ${cutting.table} WHERE requested_model = 'claude-cut'`,
      1,
    );
    assert.deepEqual(rows, [{ outcome: "aborted", api: "anthropic.messages" }]);
  });

  it("ends in an error the Gemini SDK raises, audited as aborted", async () => {
    const app = geminiClient(cutting);
    let finished = false;
    const error = await (async () => {
      const stream = await app.models.generateContentStream({
        model: "gemini-cut",
        contents: "tell me a long story about the sea",
      });
      for await (const chunk of stream) finished ||= chunk.candidates?.[0]?.finishReason !== undefined;
    })().catch((e: unknown) => e);
    assert.ok(error instanceof Error, String(error));
    assert.ok(!finished, "the caller never reads a complete answer");
    const rows = await cutting.rowsWithin<{ outcome: string; api: string }>(
      `SELECT outcome, api FROM ${cutting.table} WHERE requested_model = 'gemini-cut'`,
      1,
    );
    assert.deepEqual(rows, [{ outcome: "aborted", api: "gemini.stream_generate_content" }]);
  });
});

/** A request with the path exactly as written (fetch would resolve `..` before sending). */
function rawRequest(
  path: string,
  body: string,
  key: Record<string, string> = { "x-goog-api-key": DEMO_KEYS.alice },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${gw.url}${path}`,
      {
        method: "POST",
        path,
        headers: { "content-type": "application/json", ...key },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

describe("model listings in each SDK's own shape", () => {
  it("lists and retrieves the Anthropic front's models with @anthropic-ai/sdk", async () => {
    const ids: string[] = [];
    for await (const model of claude.models.list()) ids.push(model.id);
    assert.deepEqual(ids, ["claude-haiku-4-5"], "only what the Anthropic front reaches, for this caller");
    const model = await claude.models.retrieve("claude-haiku-4-5");
    assert.equal(model.id, "claude-haiku-4-5");
    assert.equal(model.type, "model");
    const error = await claude.models.retrieve("gpt-4o-mini").catch((caught: unknown) => caught);
    assert.ok(error instanceof Anthropic.NotFoundError);
  });

  it("lists and gets the Gemini front's models with @google/genai", async () => {
    const names: string[] = [];
    for await (const model of await gemini.models.list()) names.push(model.name ?? "");
    assert.deepEqual(names, ["models/gemini-2.5-flash"]);
    const model = await gemini.models.get({ model: "gemini-2.5-flash" });
    assert.equal(model.name, "models/gemini-2.5-flash");
    assert.deepEqual(model.supportedActions, ["generateContent", "streamGenerateContent"]);
    const error = await gemini.models.get({ model: "claude-haiku-4-5" }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 404);
    assert.equal(
      gw.gemini.requests.filter((r) => r.path.includes("/models") && !r.path.includes(":")).length,
      0,
    );
  });
});
