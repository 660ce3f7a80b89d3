import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import OpenAI from "openai";
import {
  DEMO_KEYS,
  type GatewayUnderTest,
  requestIdLiteral,
  startGatewayUnderTest,
} from "../support/gateway-under-test.ts";
import {
  type ProviderScript,
  type ScriptedProvider,
  startScriptedProvider,
} from "../support/scripted-provider.ts";
import { openaiClient } from "../support/sdk-clients.ts";

/**
 * Answers no well-behaved provider sends, and some do: the caller's SDK reads past their flaws,
 * so the gateway must read them the same way or refuse them. Model-written PII never reaches the
 * caller uninspected.
 */
let gw: GatewayUnderTest;
let provider: ScriptedProvider;
let alice: OpenAI;
before(async () => {
  provider = await startScriptedProvider();
  gw = await startGatewayUnderTest({
    clusters: { provider_demo: provider.url, provider_anthropic: provider.url },
  });
  alice = openaiClient(gw);
});
after(async () => {
  await gw.close();
  await provider.close();
});

const EMAIL = "jane.doe@example.com";

function chatCompletion(content: string): string {
  return JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

const MESSAGES: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "hi" }];
const ask = () => ({ model: "gpt-4o-mini", messages: MESSAGES });
const askStream = () => ({ model: "gpt-4o-mini", messages: MESSAGES, stream: true as const });

describe("answers the SDK reads past their flaws", () => {
  it("redacts a JSON answer that starts with a byte-order mark", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(`\uFEFF${chatCompletion(`write to ${EMAIL}`)}`);
    });
    const answer = await alice.chat.completions.create(ask());
    assert.equal(answer.choices[0]?.message.content, "write to [EMAIL_1]");
  });

  for (const contentType of ["application/json", "text/plain", undefined]) {
    it(`refuses an event stream labelled ${contentType ?? "with no content-type"} rather than pass it uninspected`, async () => {
      provider.answerWith((_request, response) => {
        response.writeHead(200, contentType ? { "content-type": contentType } : {});
        const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
        response.end(
          `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: EMAIL } }] })}\n\ndata: [DONE]\n\n`,
        );
      });
      const error = await alice.chat.completions
        .create(askStream())
        .then(async (stream) => {
          for await (const _ of stream) {
          }
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof OpenAI.APIError, String(error));
      assert.equal(error.status, 502);
      assert.equal(error.code, "provider_response_unreadable");
    });
  }

  it("passes an error page that is not JSON as the provider sent it", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(503, { "content-type": "text/html" });
      response.end("<html><body>upstream overloaded</body></html>");
    });
    const error = await alice.chat.completions.create(ask()).catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.status, 503);
  });
});

describe("model output wherever the SDK exposes it", () => {
  const answerJson =
    (answer: unknown): ProviderScript =>
    (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer));
    };
  const base = { id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini" };

  it("redacts every text member of a message, known or not, and leaves structure and audio data alone", async () => {
    provider.answerWith(
      answerJson({
        ...base,
        choices: [
          {
            index: 0,
            finish_reason: "stop",
            message: {
              role: "assistant",
              content: [{ type: "text", text: `part ${EMAIL}` }],
              reasoning_content: `thought about ${EMAIL}`,
              function_call: { name: "notify", arguments: JSON.stringify({ to: EMAIL }) },
              audio: { id: "audio_1", data: "UklGRg==", expires_at: 1, transcript: `say ${EMAIL}` },
            },
          },
        ],
      }),
    );
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}` },
      body: JSON.stringify(ask()),
    });
    const text = await response.text();
    assert.ok(!text.includes(EMAIL), text);
    const message = (JSON.parse(text) as { choices: { message: Record<string, unknown> }[] }).choices[0]
      ?.message;
    assert.deepEqual(message, {
      role: "assistant",
      content: [{ type: "text", text: "part [EMAIL_1]" }],
      reasoning_content: "thought about [EMAIL_1]",
      function_call: { name: "notify", arguments: JSON.stringify({ to: "[EMAIL_1]" }) },
      audio: { id: "audio_1", data: "UklGRg==", expires_at: 1, transcript: "say [EMAIL_1]" },
    });
  });

  it("reads choices sent as an object keyed by index, as the SDK does", async () => {
    provider.answerWith(
      answerJson({
        ...base,
        choices: { 0: { index: 0, finish_reason: "stop", message: { role: "assistant", content: EMAIL } } },
      }),
    );
    const answer = await alice.chat.completions.create(ask());
    assert.equal(answer.choices[0]?.message.content, "[EMAIL_1]");
  });

  it("drops logprobs once the model's text had PII redacted: they spell it out token by token", async () => {
    const tokens = ["jane", ".doe", "@example", ".com"].map((token) => ({
      token,
      logprob: -0.1,
      bytes: null,
    }));
    const choice = (content: string) => ({
      index: 0,
      finish_reason: "stop",
      message: { role: "assistant", content },
      logprobs: { content: tokens },
    });
    provider.answerWith(answerJson({ ...base, choices: [choice(EMAIL)] }));
    const redacted = await alice.chat.completions.create({ ...ask(), logprobs: true });
    assert.equal(redacted.choices[0]?.message.content, "[EMAIL_1]");
    assert.equal(redacted.choices[0]?.logprobs, null);

    provider.answerWith(answerJson({ ...base, choices: [choice("nothing personal")] }));
    const kept = await alice.chat.completions.create({ ...ask(), logprobs: true });
    assert.equal(kept.choices[0]?.logprobs?.content?.length, 4);
  });
});

describe("compression", () => {
  it("asks the provider for an uncompressed answer, whatever the caller accepts", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(chatCompletion("fine"));
    });
    await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${DEMO_KEYS.alice}`,
        "accept-encoding": "gzip, br",
      },
      body: JSON.stringify(ask()),
    }).then((response) => response.text());
    assert.equal(provider.received.at(-1)?.headers["accept-encoding"], "identity");
  });

  it("translates and redacts an answer a provider compressed although asked not to", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      const message = {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-haiku-4-5",
        content: [{ type: "text", text: `mail ${EMAIL}` }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 3, output_tokens: 4 },
      };
      response.end(gzipSync(JSON.stringify(message)));
    });
    const answer = await alice.chat.completions.create({ ...ask(), model: "claude-haiku-4-5" });
    assert.equal(answer.choices[0]?.message.content, "mail [EMAIL_1]");
    assert.equal(answer.usage?.total_tokens, 7);
  });
});

describe("streams that end in an error", () => {
  async function streamThrough(model: string): Promise<{ requestId: string; text: string }> {
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEYS.alice}` },
      body: JSON.stringify({ ...askStream(), model }),
    });
    return { requestId: response.headers.get("x-request-id") ?? "", text: await response.text() };
  }

  it("audits a stream whose provider sent an error event as aborted, not completed", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = { id: "c", object: "chat.completion.chunk", created: 1, model: "m" };
      response.end(
        `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: "partial" } }] })}\n\n` +
          `data: ${JSON.stringify({ error: { message: "overloaded", type: "server_error", code: null } })}\n\n`,
      );
    });
    const { requestId, text } = await streamThrough("gpt-4o-mini");
    assert.match(text, /overloaded/);
    const row = await gw.auditRow(requestId);
    assert.equal(row.outcome, "aborted");
    assert.deepEqual(row.reason_codes, ["provider_stream_error"]);
  });

  it("audits a translated stream cut by the provider's error event, request and attempt alike", async () => {
    provider.answerWith((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const event = (data: { type: string } & Record<string, unknown>) =>
        `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
      response.end(
        event({
          type: "message_start",
          message: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            content: [],
            model: "c",
            usage: { input_tokens: 5, output_tokens: 1 },
          },
        }) + event({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }),
      );
    });
    const { requestId, text } = await streamThrough("claude-haiku-4-5");
    assert.match(text, /Overloaded/);
    const row = await gw.auditRow(requestId);
    assert.equal(row.outcome, "aborted");
    assert.deepEqual(row.reason_codes, ["provider_stream_error"]);
    const attempts = await gw.rowsWithin<{ outcome: string; error_code: string }>(
      `SELECT outcome, error_code FROM ${gw.attemptsTable} WHERE request_id = ${requestIdLiteral(requestId)}`,
      1,
    );
    assert.deepEqual(attempts, [{ outcome: "aborted", error_code: "overloaded_error" }]);
  });
});
