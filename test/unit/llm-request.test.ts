import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarizeLlmRequest } from "../../extproc/src/pipeline/llm-request.ts";

const chat = (extra: Record<string, unknown>) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});

describe("reading the model request from an OpenAI body", () => {
  it("summarises a chat completion", () => {
    const result = summarizeLlmRequest(
      "openai.chat_completions",
      chat({ stream: true, max_completion_tokens: 50, tools: [{ type: "function" }] }),
    );
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      model: "gpt-4o-mini",
      stream: true,
      max_tokens: 50,
      message_count: 1,
      tool_count: 1,
    });
  });

  it("keeps the model exactly as sent, spaces and case included", () => {
    const result = summarizeLlmRequest("openai.chat_completions", chat({ model: " GPT-4o-mini\n" }));
    assert.ok(result.ok);
    assert.equal(result.value.model, " GPT-4o-mini\n");
  });

  it("treats a null stream as not streamed, as OpenAI does", () => {
    const result = summarizeLlmRequest("openai.chat_completions", chat({ stream: null }));
    assert.ok(result.ok);
    assert.equal(result.value.stream, false);
  });

  const refusals: [string, string, unknown][] = [
    ["a body that is not an object", "body_not_object", [1, 2]],
    ["a null body", "body_not_object", null],
    ["a missing model", "model_missing", { messages: [{ role: "user", content: "x" }] }],
    ["a numeric model", "model_invalid", chat({ model: 4 })],
    ["a model given as an array", "model_invalid", chat({ model: ["gpt-4o-mini"] })],
    ["a string stream flag", "invalid_request", chat({ stream: "true" })],
    ["messages that are not an array", "invalid_request", chat({ messages: "hi" })],
    ["no messages", "invalid_request", chat({ messages: [] })],
  ];
  for (const [what, code, body] of refusals) {
    it(`refuses ${what} with ${code}`, () => {
      const result = summarizeLlmRequest("openai.chat_completions", body);
      assert.equal(result.ok ? "" : result.error.code, code);
    });
  }

  it("says a token count JSON spells past any number (1e400) is not a finite number", () => {
    const result = summarizeLlmRequest(
      "openai.chat_completions",
      chat({ max_tokens: Number.POSITIVE_INFINITY }),
    );
    assert.ok(!result.ok);
    assert.equal(result.error.code, "invalid_request");
    assert.equal(result.error.message, "invalid request body: 'max_tokens': expected a finite number");
  });

  it("summarises embeddings and legacy completions", () => {
    const embeddings = summarizeLlmRequest("openai.embeddings", { model: "e", input: ["a", "b"] });
    assert.ok(embeddings.ok);
    assert.equal(embeddings.value.model, "e");
    const completions = summarizeLlmRequest("openai.completions", { model: "c", prompt: "x", max_tokens: 5 });
    assert.ok(completions.ok);
    assert.equal(completions.value.max_tokens, 5);
  });
});
