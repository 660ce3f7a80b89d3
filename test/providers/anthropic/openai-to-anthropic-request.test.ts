import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ANTHROPIC_VERSION,
  DEFAULT_MAX_TOKENS,
  openAiChatToAnthropic,
} from "../../../extproc/src/adapters/providers/anthropic/index.ts";

const MODEL = "claude-haiku-4-5";
const user = (content: unknown) => ({ role: "user", content });

function translate(request: Record<string, unknown>): Record<string, unknown> {
  const result = openAiChatToAnthropic({ model: "gpt-4o", ...request }, MODEL);
  if (!result.ok) assert.fail(`translation failed: ${result.error.message}`);
  assert.equal(result.value.method, "POST");
  assert.equal(result.value.path, "/v1/messages");
  assert.deepEqual(result.value.headers, {
    "content-type": "application/json",
    "anthropic-version": ANTHROPIC_VERSION,
  });
  return JSON.parse(result.value.body.toString("utf8")) as Record<string, unknown>;
}

describe("openAiChatToAnthropic maps", () => {
  const cases: ReadonlyArray<{
    name: string;
    request: Record<string, unknown>;
    expect: Record<string, unknown>;
  }> = [
    {
      name: "a single user message, with the route's model and the default max_tokens",
      request: { messages: [user("Hi")] },
      expect: {
        model: MODEL,
        max_tokens: DEFAULT_MAX_TOKENS,
        messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      },
    },
    {
      name: "system and developer messages to system text blocks, in order, wherever they stand",
      request: {
        messages: [
          { role: "system", content: "Be brief." },
          user("Hi"),
          { role: "developer", content: [{ type: "text", text: "Use French." }] },
        ],
      },
      expect: {
        system: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "Use French." },
        ],
        messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      },
    },
    {
      name: "consecutive same-role turns merged into one turn",
      request: {
        messages: [
          user("a"),
          user([{ type: "text", text: "b" }]),
          { role: "assistant", content: "c" },
          { role: "assistant", content: "d" },
        ],
      },
      expect: {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "a" },
              { type: "text", text: "b" },
            ],
          },
          {
            role: "assistant",
            content: [
              { type: "text", text: "c" },
              { type: "text", text: "d" },
            ],
          },
        ],
      },
    },
    {
      name: "https image URLs and base64 data URLs to image blocks",
      request: {
        messages: [
          user([
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          ]),
        ],
      },
      expect: {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Compare" },
              { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            ],
          },
        ],
      },
    },
    {
      name: "tools, tool calls and tool results, with tool_result first in the user turn",
      request: {
        messages: [
          user("Weather in Paris?"),
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "Sunny" },
          user("Thanks"),
        ],
        tools: [
          {
            type: "function",
            function: {
              name: "weather",
              description: "Get weather",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          },
        ],
        tool_choice: { type: "function", function: { name: "weather" } },
        parallel_tool_calls: false,
      },
      expect: {
        messages: [
          { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "call_1", name: "weather", input: { city: "Paris" } }],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "call_1", content: [{ type: "text", text: "Sunny" }] },
              { type: "text", text: "Thanks" },
            ],
          },
        ],
        tools: [
          {
            name: "weather",
            description: "Get weather",
            input_schema: { type: "object", properties: { city: { type: "string" } } },
          },
        ],
        tool_choice: { type: "tool", name: "weather", disable_parallel_tool_use: true },
      },
    },
    {
      name: "tool_choice required to any, and a function without parameters to an empty object schema",
      request: {
        messages: [user("x")],
        tools: [{ type: "function", function: { name: "ping" } }],
        tool_choice: "required",
      },
      expect: {
        tools: [{ name: "ping", input_schema: { type: "object", properties: {} } }],
        tool_choice: { type: "any" },
      },
    },
    {
      name: "tool_choice none to none",
      request: {
        messages: [user("x")],
        tools: [{ type: "function", function: { name: "ping" } }],
        tool_choice: "none",
      },
      expect: { tool_choice: { type: "none" } },
    },
    {
      name: "sampling, stop, stream, user and max_completion_tokens over max_tokens",
      request: {
        messages: [user("x")],
        temperature: 0.5,
        top_p: 0.9,
        stop: "END",
        stream: true,
        stream_options: { include_usage: true },
        user: "u-42",
        max_tokens: 10,
        max_completion_tokens: 20,
        presence_penalty: 0,
        n: 1,
        response_format: { type: "text" },
      },
      expect: {
        temperature: 0.5,
        top_p: 0.9,
        stop_sequences: ["END"],
        stream: true,
        metadata: { user_id: "u-42" },
        max_tokens: 20,
      },
    },
  ];
  for (const { name, request, expect } of cases) {
    test(name, () => {
      const body = translate(request);
      for (const [key, value] of Object.entries(expect)) assert.deepEqual(body[key], value, key);
    });
  }

  test("no OpenAI-only field leaks into the Anthropic body", () => {
    const body = translate({ messages: [user("x")], stream: false, stream_options: null, store: true, n: 1 });
    assert.deepEqual(Object.keys(body).sort(), ["max_tokens", "messages", "model"]);
  });
});
