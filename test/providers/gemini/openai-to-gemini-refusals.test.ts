import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openAiChatToGemini } from "../../../extproc/src/adapters/providers/gemini/index.ts";

const user = (content: unknown) => ({ role: "user", content });
const call = (id: string, name: string, args: string) => ({
  id,
  type: "function",
  function: { name, arguments: args },
});
const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };

describe("OpenAI chat requests Gemini cannot take", () => {
  const schemaTool = (parameters: unknown) => ({ type: "function", function: { name: "f", parameters } });
  const refusals: ReadonlyArray<{
    name: string;
    body: unknown;
    status: 400 | 422;
    code: string;
    param: string | null;
  }> = [
    {
      name: "logprobs",
      body: { messages: [user("x")], logprobs: true },
      status: 422,
      code: "unsupported_feature",
      param: "logprobs",
    },
    {
      name: "top_logprobs",
      body: { messages: [user("x")], top_logprobs: 2 },
      status: 422,
      code: "unsupported_feature",
      param: "top_logprobs",
    },
    {
      name: "logit_bias",
      body: { messages: [user("x")], logit_bias: { "50256": -100 } },
      status: 422,
      code: "unsupported_feature",
      param: "logit_bias",
    },
    {
      name: "audio output",
      body: { messages: [user("x")], modalities: ["text", "audio"] },
      status: 422,
      code: "unsupported_feature",
      param: "modalities",
    },
    {
      name: "predicted outputs",
      body: { messages: [user("x")], prediction: { type: "content", content: "x" } },
      status: 422,
      code: "unsupported_feature",
      param: "prediction",
    },
    {
      name: "web search",
      body: { messages: [user("x")], web_search_options: {} },
      status: 422,
      code: "unsupported_feature",
      param: "web_search_options",
    },
    {
      name: "legacy functions",
      body: { messages: [user("x")], functions: [{ name: "f" }] },
      status: 422,
      code: "unsupported_feature",
      param: "functions",
    },
    {
      name: "reasoning_effort",
      body: { messages: [user("x")], reasoning_effort: "low" },
      status: 422,
      code: "unsupported_feature",
      param: "reasoning_effort",
    },
    {
      name: "n above Gemini's 8 candidates",
      body: { messages: [user("x")], n: 9 },
      status: 422,
      code: "unsupported_feature",
      param: "n",
    },
    {
      name: "custom tools",
      body: { messages: [user("x")], tools: [{ type: "custom", custom: { name: "c" } }] },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].type",
    },
    {
      name: "a function name starting with a digit",
      body: { messages: [user("x")], tools: [{ type: "function", function: { name: "1f" } }] },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.name",
    },
    {
      name: "$ref in tool parameters",
      body: {
        messages: [user("x")],
        tools: [schemaTool({ type: "object", properties: { a: { $ref: "#/$defs/A" } } })],
      },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.parameters.properties.a.$ref",
    },
    {
      name: "oneOf in tool parameters",
      body: { messages: [user("x")], tools: [schemaTool({ oneOf: [{ type: "string" }] })] },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.parameters.oneOf",
    },
    {
      name: "a numeric enum",
      body: { messages: [user("x")], tools: [schemaTool({ type: "integer", enum: [1, 2] })] },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.parameters.enum",
    },
    {
      name: "a map-valued additionalProperties",
      body: {
        messages: [user("x")],
        tools: [schemaTool({ type: "object", additionalProperties: { type: "string" } })],
      },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.parameters.additionalProperties",
    },
    {
      name: "a multi-type field",
      body: { messages: [user("x")], tools: [schemaTool({ type: ["string", "integer"] })] },
      status: 422,
      code: "unsupported_feature",
      param: "tools[0].function.parameters.type",
    },
    {
      name: "tuple items in response_format",
      body: {
        messages: [user("x")],
        response_format: {
          type: "json_schema",
          json_schema: { name: "t", schema: { type: "array", items: [{ type: "string" }] } },
        },
      },
      status: 422,
      code: "unsupported_feature",
      param: "response_format.json_schema.schema.items",
    },
    {
      name: "an http image URL",
      body: { messages: [user([{ type: "image_url", image_url: { url: "http://example.com/a.png" } }])] },
      status: 422,
      code: "unsupported_feature",
      param: "messages[0].content[0].image_url.url",
    },
    {
      name: "a file by file_id",
      body: { messages: [user([{ type: "file", file: { file_id: "file-1" } }])] },
      status: 422,
      code: "unsupported_feature",
      param: "messages[0].content[0].file",
    },
    {
      name: "the legacy function role",
      body: { messages: [user("x"), { role: "function", name: "f", content: "1" }] },
      status: 422,
      code: "unsupported_feature",
      param: "messages[1].role",
    },
    {
      name: "only system messages",
      body: { messages: [{ role: "system", content: "x" }] },
      status: 422,
      code: "unsupported_feature",
      param: "messages",
    },
    {
      name: "a model name that is not a Gemini id",
      body: { messages: [user("x")] },
      status: 422,
      code: "unsupported_feature",
      param: "model",
    },
    {
      name: "a tool result for an unknown call",
      body: { messages: [user("x"), { role: "tool", tool_call_id: "call_9", content: "1" }] },
      status: 400,
      code: "unknown_tool_call_id",
      param: "messages[1].tool_call_id",
    },
    {
      name: "tool call arguments that are not a JSON object",
      body: { messages: [user("x"), { role: "assistant", tool_calls: [call("c", "f", "[1]")] }] },
      status: 400,
      code: "invalid_request",
      param: "messages[1].tool_calls[0].function.arguments",
    },
    {
      name: "a data URL without base64",
      body: { messages: [user([{ type: "image_url", image_url: { url: "data:image/png,abc" } }])] },
      status: 400,
      code: "invalid_request",
      param: "messages[0].content[0].image_url.url",
    },
    {
      name: "tool_choice naming an undeclared tool",
      body: {
        messages: [user("x")],
        tools: [weatherTool],
        tool_choice: { type: "function", function: { name: "nope" } },
      },
      status: 400,
      code: "invalid_request",
      param: "tool_choice",
    },
    {
      name: "an allowed_tools tool_choice",
      body: {
        messages: [user("x")],
        tools: [weatherTool],
        tool_choice: { type: "allowed_tools", allowed_tools: {} },
      },
      status: 422,
      code: "unsupported_feature",
      param: "tool_choice",
    },
    {
      name: "tool_choice without tools",
      body: { messages: [user("x")], tool_choice: "required" },
      status: 400,
      code: "invalid_request",
      param: "tool_choice",
    },
    {
      name: "empty messages",
      body: { messages: [] },
      status: 400,
      code: "invalid_request",
      param: "messages",
    },
    {
      name: "a temperature out of range",
      body: { messages: [user("x")], temperature: 3 },
      status: 400,
      code: "invalid_request",
      param: "temperature",
    },
    { name: "a body that is not an object", body: [1], status: 400, code: "invalid_request", param: null },
  ];

  for (const { name, body, status, code, param } of refusals) {
    it(`refuses ${name} with ${status} ${code}`, () => {
      const model = name.startsWith("a model name") ? "../../v1/files" : "gemini-2.5-flash";
      const result = openAiChatToGemini(body, model);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.error.status, status);
      assert.equal(result.error.code, code);
      assert.equal(result.error.param, param);
      assert.match(result.error.message, /\S/);
    });
  }
});
