import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openAiChatToAnthropic } from "../../../extproc/src/adapters/providers/anthropic/index.ts";

const MODEL = "claude-haiku-4-5";
const user = (content: unknown) => ({ role: "user", content });

describe("openAiChatToAnthropic refuses", () => {
  const refusals: ReadonlyArray<{
    name: string;
    request: Record<string, unknown>;
    status: 400 | 422;
    param: string | null;
  }> = [
    { name: "n > 1", request: { n: 2 }, status: 422, param: "n" },
    { name: "logprobs", request: { logprobs: true }, status: 422, param: "logprobs" },
    { name: "top_logprobs", request: { top_logprobs: 2 }, status: 422, param: "top_logprobs" },
    {
      name: "a non-zero presence_penalty",
      request: { presence_penalty: 0.5 },
      status: 422,
      param: "presence_penalty",
    },
    {
      name: "a non-zero frequency_penalty",
      request: { frequency_penalty: -1 },
      status: 422,
      param: "frequency_penalty",
    },
    { name: "seed", request: { seed: 7 }, status: 422, param: "seed" },
    { name: "logit_bias", request: { logit_bias: { "50256": -100 } }, status: 422, param: "logit_bias" },
    {
      name: "temperature above Anthropic's 1",
      request: { temperature: 1.5 },
      status: 422,
      param: "temperature",
    },
    {
      name: "response_format json_object",
      request: { response_format: { type: "json_object" } },
      status: 422,
      param: "response_format",
    },
    {
      name: "response_format json_schema",
      request: { response_format: { type: "json_schema", json_schema: { name: "x" } } },
      status: 422,
      param: "response_format",
    },
    {
      name: "audio output modalities",
      request: { modalities: ["text", "audio"] },
      status: 422,
      param: "modalities",
    },
    {
      name: "audio output options",
      request: { audio: { voice: "alloy", format: "mp3" } },
      status: 422,
      param: "audio",
    },
    { name: "legacy functions", request: { functions: [{ name: "f" }] }, status: 422, param: "functions" },
    {
      name: "reasoning_effort",
      request: { reasoning_effort: "high" },
      status: 422,
      param: "reasoning_effort",
    },
    {
      name: "custom tools",
      request: { tools: [{ type: "custom", custom: { name: "c" } }] },
      status: 422,
      param: "tools[0]",
    },
    {
      name: "allowed_tools tool_choice",
      request: {
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "allowed_tools", allowed_tools: {} },
      },
      status: 422,
      param: "tool_choice",
    },
    {
      name: "input_audio content parts",
      request: { messages: [user([{ type: "input_audio", input_audio: { data: "AA==", format: "wav" } }])] },
      status: 422,
      param: "messages[0].content[0]",
    },
    {
      name: "file content parts",
      request: { messages: [user([{ type: "file", file: { file_id: "f" } }])] },
      status: 422,
      param: "messages[0].content[0]",
    },
    {
      name: "an image type Anthropic lacks",
      request: {
        messages: [user([{ type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } }])],
      },
      status: 422,
      param: "messages[0].content[0].image_url.url",
    },
    {
      name: "legacy function messages",
      request: { messages: [user("x"), { role: "function", name: "f", content: "1" }] },
      status: 422,
      param: "messages[1]",
    },
    {
      name: "tool call arguments that are not JSON",
      request: {
        messages: [
          user("x"),
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{oops" } }],
          },
        ],
      },
      status: 400,
      param: "messages[1].tool_calls[0].function.arguments",
    },
    {
      name: "tool call arguments that are a JSON array",
      request: {
        messages: [
          user("x"),
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1]" } }],
          },
        ],
      },
      status: 400,
      param: "messages[1].tool_calls[0].function.arguments",
    },
    {
      name: "an image URL that is neither http(s) nor data",
      request: { messages: [user([{ type: "image_url", image_url: { url: "ftp://x/y.png" } }])] },
      status: 400,
      param: "messages[0].content[0].image_url.url",
    },
    {
      name: "a data URL that is not base64",
      request: { messages: [user([{ type: "image_url", image_url: { url: "data:image/png,raw" } }])] },
      status: 400,
      param: "messages[0].content[0].image_url.url",
    },
    {
      name: "a conversation of system messages only",
      request: { messages: [{ role: "system", content: "x" }] },
      status: 400,
      param: "messages",
    },
    {
      name: "a conversation that starts with the assistant",
      request: { messages: [{ role: "assistant", content: "x" }, user("y")] },
      status: 400,
      param: "messages",
    },
    {
      name: "tool_choice naming an unknown tool",
      request: {
        tools: [{ type: "function", function: { name: "f" } }],
        tool_choice: { type: "function", function: { name: "g" } },
      },
      status: 400,
      param: "tool_choice",
    },
    {
      name: "tool_choice required without tools",
      request: { tool_choice: "required" },
      status: 400,
      param: "tool_choice",
    },
    { name: "a body without messages", request: { messages: undefined }, status: 400, param: "messages" },
    {
      name: "a max_tokens that is not a positive integer",
      request: { max_tokens: 0 },
      status: 400,
      param: "max_tokens",
    },
  ];
  for (const { name, request, status, param } of refusals) {
    test(`${name} with ${status}, naming ${param}`, () => {
      const result = openAiChatToAnthropic({ model: "gpt-4o", messages: [user("hi")], ...request }, MODEL);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.status, status);
      assert.equal(result.error.code, status === 422 ? "unsupported_feature" : "invalid_request");
      assert.equal(result.error.param, param);
      if (status === 422) assert.match(result.error.message, /not supported by anthropic/);
    });
  }
});
