import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type GatewayUnderTest, startGatewayUnderTest } from "../support/gateway-under-test.ts";
import { type ScriptedProvider, startScriptedProvider } from "../support/scripted-provider.ts";
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
  gw = await startGatewayUnderTest({ clusters: { provider_demo: provider.url } });
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
