import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openAiChatToAnthropic } from "../../extproc/src/adapters/providers/anthropic/index.ts";
import { openAiChatToGemini } from "../../extproc/src/adapters/providers/gemini/index.ts";

const user = (content: unknown) => ({ role: "user", content });

/**
 * Whether an OpenAI chat request is well formed does not depend on the provider the policy sends
 * it to: both translations read it with the one schema, so a malformed request is the same 400.
 */
describe("one reading of the OpenAI chat request for every provider", () => {
  const malformed: ReadonlyArray<{ name: string; body: Record<string, unknown>; param: string }> = [
    { name: "more than four stop sequences", body: { stop: ["a", "b", "c", "d", "e"] }, param: "stop" },
    { name: "a seed that is not an integer", body: { seed: 1.5 }, param: "seed" },
    {
      name: "a tool call without an id",
      body: {
        messages: [
          user("x"),
          {
            role: "assistant",
            tool_calls: [{ id: "", type: "function", function: { name: "f", arguments: "{}" } }],
          },
        ],
      },
      param: "messages[1].tool_calls[0].id",
    },
    {
      name: "an image detail OpenAI does not know",
      body: {
        messages: [user([{ type: "image_url", image_url: { url: "https://x/a.png", detail: "max" } }])],
      },
      param: "messages[0].content",
    },
    {
      name: "a function tool without a name",
      body: { tools: [{ type: "function", function: { name: "" } }] },
      param: "tools[0].function.name",
    },
  ];
  for (const { name, body, param } of malformed) {
    it(`refuses ${name} with 400 naming ${param}, whichever the provider`, () => {
      const request = { model: "gpt-4o", messages: [user("hi")], ...body };
      for (const result of [
        openAiChatToAnthropic(request, "claude-haiku-4-5"),
        openAiChatToGemini(request, "gemini-2.5-flash"),
      ]) {
        assert.equal(result.ok, false);
        if (result.ok) continue;
        assert.equal(result.error.status, 400);
        assert.equal(result.error.code, "invalid_request");
        assert.equal(result.error.param, param);
      }
    });
  }
});
