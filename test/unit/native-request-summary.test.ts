import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarizeLlmRequest } from "../../extproc/src/pipeline/llm-request.ts";

const anthropic = (extra: Record<string, unknown> = {}) => ({
  model: "claude-haiku-4-5",
  max_tokens: 256,
  messages: [{ role: "user", content: "hi" }],
  ...extra,
});
const gemini = (extra: Record<string, unknown> = {}) => ({
  contents: [{ role: "user", parts: [{ text: "hi" }] }],
  ...extra,
});

describe("the policy's summary of an Anthropic Messages request", () => {
  it("reads model, stream, max_tokens, messages and tools", () => {
    const result = summarizeLlmRequest(
      "anthropic.messages",
      anthropic({
        stream: true,
        system: "be brief",
        tools: [{ name: "a", input_schema: { type: "object" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          { role: "assistant", content: "hello" },
          { role: "user", content: "again" },
        ],
      }),
    );
    assert.deepEqual(result, {
      ok: true,
      value: { model: "claude-haiku-4-5", stream: true, max_tokens: 256, message_count: 3, tool_count: 1 },
    });
  });

  it("refuses what Anthropic refuses: no max_tokens, no messages, a wrong role, a model that is not a string", () => {
    const cases: [unknown, string][] = [
      [anthropic({ max_tokens: undefined }), "invalid_request"],
      [anthropic({ messages: [] }), "invalid_request"],
      [anthropic({ messages: [{ role: "system", content: "x" }] }), "invalid_request"],
      [anthropic({ stream: "yes" }), "invalid_request"],
      [anthropic({ model: 7 }), "model_invalid"],
      [anthropic({ model: undefined }), "model_missing"],
    ];
    for (const [body, code] of cases) {
      const result = summarizeLlmRequest("anthropic.messages", JSON.parse(JSON.stringify(body)));
      assert.equal(result.ok ? "" : result.error.code, code, JSON.stringify(body));
    }
  });
});

describe("the policy's summary of a Gemini generateContent request", () => {
  it("takes the model from the path and the stream from the method", () => {
    const body = gemini({
      generationConfig: { maxOutputTokens: 99 },
      tools: [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }, { googleSearch: {} }],
    });
    assert.deepEqual(summarizeLlmRequest("gemini.stream_generate_content", body, "gemini-2.5-flash"), {
      ok: true,
      value: { model: "gemini-2.5-flash", stream: true, max_tokens: 99, message_count: 1, tool_count: 3 },
    });
    assert.deepEqual(summarizeLlmRequest("gemini.generate_content", gemini(), "gemini-2.5-flash"), {
      ok: true,
      value: { model: "gemini-2.5-flash", stream: false, max_tokens: null, message_count: 1, tool_count: 0 },
    });
  });

  it("refuses a second model in the body and the snake_case spellings the PII walker does not read", () => {
    for (const body of [
      gemini({ model: "models/gemini-2.5-pro" }),
      gemini({ system_instruction: { parts: [{ text: "x" }] } }),
      gemini({ contents: [{ role: "user", parts: [{ function_call: { name: "f", args: {} } }] }] }),
      gemini({ generationConfig: { max_output_tokens: 5 } }),
      gemini({ contents: [] }),
      gemini({ contents: [{ parts: [{ text: 7 }] }] }),
    ]) {
      const result = summarizeLlmRequest("gemini.generate_content", body, "gemini-2.5-flash");
      assert.equal(result.ok ? "" : result.error.code, "invalid_request", JSON.stringify(body));
    }
  });
});
