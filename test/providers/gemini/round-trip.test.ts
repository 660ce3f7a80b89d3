import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { APIError, RateLimitError } from "openai";
import {
  GeminiToOpenAiStream,
  geminiToOpenAiChat,
  openAiChatToGemini,
} from "../../../extproc/src/adapters/providers/gemini/index.ts";
import { type GeminiUpstream, startGeminiUpstream } from "../../demo/gemini-upstream/index.ts";

/**
 * The whole way round, without the gateway: the openai SDK's request is translated, sent to the
 * mock Gemini, and the answer translated back and handed to the SDK, through a `fetch` the SDK is
 * given. If the SDK accepts what comes back, an app moved from OpenAI to Gemini keeps working.
 */

const API_KEY = "gemini-key";

function gatewayFetch(mock: GeminiUpstream, model: string) {
  return async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body: unknown = JSON.parse(String(init?.body));
    const request = openAiChatToGemini(body, model);
    if (!request.ok) {
      const { status, code, message, param } = request.error;
      const error = { message, type: "invalid_request_error", param, code };
      return Response.json({ error }, { status });
    }
    const upstream = await fetch(`${mock.url}${request.value.path}`, {
      method: request.value.method,
      headers: { ...request.value.headers, "x-goog-api-key": API_KEY },
      body: request.value.body,
    });
    const isStream =
      upstream.ok && (upstream.headers.get("content-type") ?? "").startsWith("text/event-stream");
    if (!isStream) {
      const answer = geminiToOpenAiChat(upstream.status, Buffer.from(await upstream.arrayBuffer()), "gpt-4o");
      return new Response(answer.body, {
        status: answer.status,
        headers: { "content-type": "application/json" },
      });
    }
    const translator = new GeminiToOpenAiStream("gpt-4o");
    const reader = upstream.body?.getReader();
    const translated = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await reader?.read().catch(() => ({ done: true as const, value: undefined }));
        if (!next || next.done) {
          controller.enqueue(translator.end());
          controller.close();
          return;
        }
        controller.enqueue(translator.push(Buffer.from(next.value)));
      },
    });
    return new Response(translated, { status: 200, headers: { "content-type": "text/event-stream" } });
  };
}

function client(mock: GeminiUpstream, model = "gemini-2.5-flash"): OpenAI {
  return new OpenAI({
    apiKey: "app-key",
    baseURL: "http://gateway.invalid/v1",
    maxRetries: 0,
    fetch: gatewayFetch(mock, model),
  });
}

const weather: OpenAI.ChatCompletionTool = {
  type: "function",
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
    strict: true,
  },
};

describe("OpenAI SDK → Gemini translation → mock Gemini → translation back → OpenAI SDK", () => {
  let mock: GeminiUpstream;
  before(async () => {
    mock = await startGeminiUpstream({ apiKey: API_KEY });
  });
  after(() => mock.close());

  it("completes a chat with a system prompt, with usage", async () => {
    const completion = await client(mock).chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello Gemini" },
      ],
    });
    assert.equal(completion.choices[0]?.message.content, "Echo: Hello Gemini");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    assert.ok(completion.usage && completion.usage.total_tokens > completion.usage.prompt_tokens);
  });

  it("runs a whole tool loop: call, tool result, final answer", async () => {
    const openai = client(mock);
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: "user", content: "use the tool for Paris" },
    ];
    const first = await openai.chat.completions.create({ model: "gpt-4o", messages, tools: [weather] });
    const choice = first.choices[0];
    assert.equal(choice?.finish_reason, "tool_calls");
    const call = choice?.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "example" });

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: '{"temp":21}' });
    const second = await openai.chat.completions.create({ model: "gpt-4o", messages, tools: [weather] });
    assert.equal(second.choices[0]?.message.content, 'The tool get_weather answered {"temp":21}.');
  });

  it("streams text chunk by chunk with a usage chunk, read by the SDK's stream parser", async () => {
    const stream = await client(mock).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "one two three four five six" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "Echo: one two three four five six");
    assert.ok(chunks.filter((c) => c.choices[0]?.delta.content).length > 1);
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "stop");
    assert.ok((chunks.at(-1)?.usage?.completion_tokens ?? 0) > 0);
  });

  it("streams a tool call that the SDK's stream helper assembles", async () => {
    const stream = client(mock).chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "use the tool" }],
      tools: [weather],
      tool_choice: "required",
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === "function" && call.function.name, "get_weather");
  });

  it("returns Gemini's 429 as the SDK's RateLimitError", async () => {
    await assert.rejects(
      client(mock, "gemini-fail-429").chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof RateLimitError && error.code === "resource_exhausted",
    );
  });

  it("turns a stream Gemini cut mid-way into an APIError the SDK throws", async () => {
    const stream = await client(mock, "gemini-fail-cut").chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "a b c d e f g h i j k l m n o p" }],
      stream: true,
    });
    await assert.rejects(
      async () => {
        for await (const _chunk of stream) {
          // drain
        }
      },
      (error: unknown) => error instanceof APIError && error.code === "provider_stream_interrupted",
    );
  });

  it("answers a feature Gemini lacks with the SDK's 422 error naming it", async () => {
    await assert.rejects(
      client(mock).chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        logprobs: true,
      }),
      (error: unknown) =>
        error instanceof APIError && error.status === 422 && error.code === "unsupported_feature",
    );
  });
});
