import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { type AnthropicUpstream, startAnthropicUpstream } from "../../demo/anthropic-upstream/index.ts";

const KEY = "sk-ant-test-key";
const WEATHER = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("mock Anthropic upstream driven by @anthropic-ai/sdk", () => {
  let upstream: AnthropicUpstream;
  let client: Anthropic;

  before(async () => {
    upstream = await startAnthropicUpstream({ apiKey: KEY });
    client = new Anthropic({ baseURL: upstream.url, apiKey: KEY, maxRetries: 0 });
  });
  after(() => upstream.close());

  test("answers a message that echoes the last user text, with usage", async () => {
    const message = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hello there" }],
    });
    assert.match(message.id, /^msg_01/);
    assert.deepEqual(message.content, [{ type: "text", text: "Echo: Hello there" }]);
    assert.equal(message.stop_reason, "end_turn");
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    const recorded = upstream.requests.at(-1);
    assert.equal(recorded?.headers.authorization, `Bearer ${KEY}`);
    assert.ok(recorded?.headers["anthropic-version"]);
  });

  test("streams the answer as Anthropic's events and the SDK assembles the same message", async () => {
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "A longer sentence so that several text deltas are needed here." }],
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const message = await stream.finalMessage();
    assert.deepEqual(message.content, [
      { type: "text", text: "Echo: A longer sentence so that several text deltas are needed here." },
    ]);
    assert.equal(types[0], "message_start");
    assert.ok(types.filter((t) => t === "content_block_delta").length > 2);
    assert.deepEqual(types.slice(-2), ["message_delta", "message_stop"]);
    assert.ok(message.usage.output_tokens > 1);
  });

  test("calls the first tool when asked to use the tool, streaming included, and accepts the tool result", async () => {
    const ask = { model: "claude-haiku-4-5", max_tokens: 100, tools: [WEATHER] };
    const first = await client.messages.create({
      ...ask,
      messages: [{ role: "user", content: "Please use the tool" }],
    });
    assert.equal(first.stop_reason, "tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use");
    assert.ok(toolUse?.type === "tool_use");
    assert.deepEqual(toolUse.input, { city: "Paris" });
    const streamed = await client.messages
      .stream({ ...ask, messages: [{ role: "user", content: "use the tool" }] })
      .finalMessage();
    const streamedUse = streamed.content.find((block) => block.type === "tool_use");
    assert.deepEqual(streamedUse?.type === "tool_use" ? streamedUse.input : undefined, { city: "Paris" });
    const second = await client.messages.create({
      ...ask,
      messages: [
        { role: "user", content: "Please use the tool" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny" }] },
      ],
    });
    assert.deepEqual(second.content, [{ type: "text", text: "Tool said: Sunny" }]);
  });

  const invalid: ReadonlyArray<{ name: string; body: Record<string, unknown>; message: RegExp }> = [
    {
      name: "a missing max_tokens",
      body: { model: "c", messages: [{ role: "user", content: "x" }] },
      message: /max_tokens: Field required/,
    },
    {
      name: "an OpenAI field",
      body: { model: "c", max_tokens: 5, n: 2, messages: [{ role: "user", content: "x" }] },
      message: /n: Extra inputs are not permitted/,
    },
    {
      name: "a first message from the assistant",
      body: { model: "c", max_tokens: 5, messages: [{ role: "assistant", content: "x" }] },
      message: /first message must use the \\"user\\" role/,
    },
    {
      name: "two user turns in a row",
      body: {
        model: "c",
        max_tokens: 5,
        messages: [
          { role: "user", content: "x" },
          { role: "user", content: "y" },
        ],
      },
      message: /roles must alternate/,
    },
    {
      name: "a temperature above 1",
      body: { model: "c", max_tokens: 5, temperature: 1.5, messages: [{ role: "user", content: "x" }] },
      message: /temperature: Input should be less than or equal to 1/,
    },
    {
      name: "a tool_result without its tool_use",
      body: {
        model: "c",
        max_tokens: 5,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "1" }] },
        ],
      },
      message: /unexpected `tool_use_id` found in `tool_result` blocks: toolu_x/,
    },
    {
      name: "a tool_use left without its tool_result",
      body: {
        model: "c",
        max_tokens: 5,
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_y", name: "f", input: {} }] },
          { role: "user", content: "y" },
        ],
      },
      message: /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_y/,
    },
  ];
  for (const { name, body, message } of invalid) {
    test(`refuses ${name} with Anthropic's 400 invalid_request_error`, async () => {
      const error = await client.messages
        .create(body as unknown as Anthropic.MessageCreateParamsNonStreaming)
        .then(
          () => assert.fail("expected a 400"),
          (e: unknown) => e,
        );
      assert.ok(error instanceof Anthropic.BadRequestError);
      assert.match(error.message, message);
      assert.equal((error.error as { error?: { type?: string } }).error?.type, "invalid_request_error");
    });
  }

  test("refuses a wrong or missing API key with 401 authentication_error", async () => {
    const bad = new Anthropic({ baseURL: upstream.url, apiKey: "wrong", maxRetries: 0 });
    const create = () =>
      bad.messages.create({ model: "c", max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    await assert.rejects(
      create,
      (e: unknown) => e instanceof Anthropic.AuthenticationError && /invalid x-api-key/.test(e.message),
    );
  });

  test("refuses a request without anthropic-version with 400", async () => {
    const response = await fetch(`${upstream.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "c", max_tokens: 5, messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(((await response.json()) as { error: unknown }).error, {
      type: "invalid_request_error",
      message: "anthropic-version: header is required",
    });
  });

  test("forces 529 overloaded_error and 429 rate_limit_error by model name", async () => {
    const create = (model: string) =>
      client.messages.create({ model, max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    await assert.rejects(
      create("claude-fail-503"),
      (e: unknown) => e instanceof Anthropic.APIError && e.status === 529 && /Overloaded/.test(e.message),
    );
    await assert.rejects(create("claude-fail-429"), (e: unknown) => e instanceof Anthropic.RateLimitError);
  });

  test("cuts a fail-cut stream mid-way after some text, which the SDK reports as an error", async () => {
    const stream = client.messages.stream({
      model: "claude-fail-cut",
      max_tokens: 100,
      messages: [{ role: "user", content: "Tell me a fairly long story please" }],
    });
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const event of stream) seen.push(event.type);
    });
    assert.ok(seen.includes("content_block_delta"));
    assert.ok(!seen.includes("message_stop"));
  });
});
