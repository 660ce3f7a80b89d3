import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { type AnthropicUpstream, startAnthropicUpstream } from "../../demo/anthropic-upstream/index.ts";
import { translatingFetch } from "./translating-fetch.ts";

const KEY = "sk-ant-round-trip";
const WEATHER: OpenAI.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("openai SDK → openAiChatToAnthropic → mock Anthropic → back, read by the openai SDK", () => {
  let upstream: AnthropicUpstream;
  let client: OpenAI;

  before(async () => {
    upstream = await startAnthropicUpstream({ apiKey: KEY });
    client = new OpenAI({
      apiKey: "gateway-key",
      baseURL: "http://gateway.invalid/v1",
      maxRetries: 0,
      fetch: translatingFetch(upstream.url, KEY),
    });
  });
  after(() => upstream.close());

  test("a chat completion with system prompt and several turns", async () => {
    const completion = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "How are you?" },
        { role: "user", content: [{ type: "text", text: " Fine?" }] },
      ],
    });
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.model, "claude-haiku-4-5");
    assert.equal(completion.choices[0]?.message.content, "Echo: How are you? Fine?");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    const usage = completion.usage;
    assert.ok(
      usage &&
        usage.prompt_tokens > 0 &&
        usage.total_tokens === usage.prompt_tokens + usage.completion_tokens,
    );
  });

  test("max_tokens and stop sequences come back as finish_reason length and stop", async () => {
    const ask = (extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>) =>
      client.chat.completions.create({
        model: "claude-haiku-4-5",
        messages: [{ role: "user", content: "one two three four five six seven" }],
        ...extra,
      });
    assert.equal((await ask({ max_tokens: 2 })).choices[0]?.finish_reason, "length");
    const stopped = await ask({ stop: ["three"] });
    assert.equal(stopped.choices[0]?.message.content, "Echo: one two ");
    assert.equal(stopped.choices[0]?.finish_reason, "stop");
  });

  test("a tool call, then the tool result, as the openai SDK's tool loop sends them", async () => {
    const ask = { model: "claude-haiku-4-5", tools: [WEATHER] };
    const first = await client.chat.completions.create({
      ...ask,
      messages: [{ role: "user", content: "Please use the tool" }],
    });
    const message = first.choices[0]?.message;
    assert.equal(first.choices[0]?.finish_reason, "tool_calls");
    const call = message?.tool_calls?.[0];
    assert.ok(call?.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
    assert.ok(message);
    const second = await client.chat.completions.create({
      ...ask,
      messages: [
        { role: "user", content: "Please use the tool" },
        message,
        { role: "tool", tool_call_id: call.id, content: "Sunny" },
      ],
    });
    assert.equal(second.choices[0]?.message.content, "Tool said: Sunny");
  });

  test("a streamed answer, chunk by chunk, ends with usage and [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "claude-haiku-4-5",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Stream a long enough sentence for several deltas please." }],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.length > 4);
    assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "Echo: Stream a long enough sentence for several deltas please.");
    assert.ok(chunks.some((c) => c.choices[0]?.finish_reason === "stop"));
    assert.ok((chunks.at(-1)?.usage?.completion_tokens ?? 0) > 0);
  });

  test("a streamed tool call assembles in the openai SDK's stream helper", async () => {
    const runner = client.chat.completions.stream({
      model: "claude-haiku-4-5",
      tools: [WEATHER],
      messages: [{ role: "user", content: "use the tool" }],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    assert.equal(choice?.message.content, "I'll use the get_weather tool.");
    const call = choice?.message.tool_calls?.[0];
    assert.ok(call?.type === "function");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
  });

  test("provider failures reach the caller as the openai SDK's error classes", async () => {
    const ask = (model: string) =>
      client.chat.completions.create({ model, messages: [{ role: "user", content: "x" }] });
    await assert.rejects(
      ask("claude-fail-429"),
      (e: unknown) => e instanceof OpenAI.RateLimitError && e.code === "rate_limit_error",
    );
    await assert.rejects(
      ask("claude-fail-503"),
      (e: unknown) =>
        e instanceof OpenAI.InternalServerError && e.status === 503 && e.code === "overloaded_error",
    );
  });

  test("a stream the provider cuts mid-way fails the caller's loop with the interruption", async () => {
    const stream = await client.chat.completions.create({
      model: "claude-fail-cut",
      stream: true,
      messages: [{ role: "user", content: "Tell me a fairly long story please" }],
    });
    let text = "";
    await assert.rejects(
      async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      },
      (e: unknown) => e instanceof OpenAI.APIError && e.code === "provider_stream_interrupted",
    );
    assert.ok(text.startsWith("Echo"), "what arrived before the cut reached the caller");
  });

  test("an untranslatable request is refused with 422 naming the parameter", async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: "claude-haiku-4-5",
        n: 2,
        messages: [{ role: "user", content: "x" }],
      }),
      (e: unknown) =>
        e instanceof OpenAI.UnprocessableEntityError && e.param === "n" && e.code === "unsupported_feature",
    );
  });
});
