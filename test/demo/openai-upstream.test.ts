import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { z } from "zod";
import { type DemoUpstream, demoEmbedding, startDemoUpstream } from "./openai-upstream/index.ts";

const ErrorBody = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

describe("demo OpenAI-compatible upstream", () => {
  let upstream: DemoUpstream;
  let client: OpenAI;

  before(async () => {
    upstream = await startDemoUpstream();
    client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "x", maxRetries: 0 });
  });

  after(async () => {
    await upstream.close();
  });

  test("answers a chat completion that echoes the last user message, with usage", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello there" },
      ],
    });
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.model, "gpt-4o-mini");
    assert.equal(completion.choices[0]?.message.role, "assistant");
    assert.equal(completion.choices[0]?.message.content, "Echo: Hello there");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    const usage = completion.usage;
    assert.ok(usage && usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  });

  test("gives the same usage for the same request", async () => {
    const ask = () =>
      client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "same words" }],
      });
    const [first, second] = [await ask(), await ask()];
    assert.deepEqual(first.usage, second.usage);
  });

  test("records what arrived, including the raw body and headers", async () => {
    const before = upstream.requests.length;
    await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "rec" }],
    });
    const recorded = upstream.requests[before];
    assert.ok(recorded);
    assert.equal(recorded.method, "POST");
    assert.equal(recorded.path, "/v1/chat/completions");
    assert.equal(recorded.headers.authorization, "Bearer x");
    assert.deepEqual(JSON.parse(recorded.body.toString("utf8")), {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "rec" }],
    });
  });

  test("streams a chat completion in several chunks, then usage, then [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "one two three four five" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === "gpt-4o-mini"));
    assert.equal(chunks[0]?.choices[0]?.delta.role, "assistant");
    const contentChunks = chunks.filter((c) => (c.choices[0]?.delta.content ?? "") !== "");
    assert.ok(contentChunks.length > 1, "content must arrive over several chunks");
    const text = contentChunks.map((c) => c.choices[0]?.delta.content).join("");
    assert.equal(text, "Echo: one two three four five");

    const last = chunks.at(-1);
    const beforeLast = chunks.at(-2);
    assert.equal(beforeLast?.choices[0]?.finish_reason, "stop");
    assert.deepEqual(last?.choices, []);
    assert.ok(last?.usage && last.usage.completion_tokens > 0);
  });

  test("sends the event stream as text/event-stream ending with [DONE]", async () => {
    const res = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const body = await res.text();
    assert.ok(body.endsWith("data: [DONE]\n\n"));
    assert.ok(!body.includes('"usage"'), "usage only when stream_options.include_usage is set");
  });

  test("answers embeddings in both float and the SDK's default base64 encoding", async () => {
    const viaBase64 = await client.embeddings.create({ model: "text-embedding-3-small", input: ["a", "b"] });
    const viaFloat = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: "a",
      encoding_format: "float",
    });
    assert.equal(viaBase64.data.length, 2);
    assert.equal(viaBase64.data[0]?.embedding.length, 8);
    assert.deepEqual(viaBase64.data[0]?.embedding, viaFloat.data[0]?.embedding);
    assert.deepEqual(viaFloat.data[0]?.embedding, demoEmbedding("a"));
    assert.notDeepEqual(viaBase64.data[0]?.embedding, viaBase64.data[1]?.embedding);
    assert.ok(viaBase64.usage.prompt_tokens > 0);
  });

  test("answers legacy completions for a string and for an array of prompts", async () => {
    const single = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi" });
    assert.equal(single.object, "text_completion");
    assert.equal(single.choices[0]?.text, "Echo: Say hi");
    const many = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: ["x", "y"] });
    assert.deepEqual(
      many.choices.map((c) => c.text),
      ["Echo: x", "Echo: y"],
    );
  });

  test("lists models", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes("gpt-4o-mini"));
  });

  test("rejects an empty messages array with OpenAI's 400 error", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.equal(error.status, 400);
        assert.equal(error.type, "invalid_request_error");
        assert.equal(error.param, "messages");
        assert.equal(error.code, "empty_array");
        return true;
      },
    );
  });

  test("rejects a missing model, a bad role and invalid JSON with OpenAI's error shape", async () => {
    const post = async (body: string) => {
      const res = await fetch(`${upstream.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      return { status: res.status, length: res.headers.get("content-length"), text: await res.text() };
    };
    const noModel = await post(JSON.stringify({ messages: [{ role: "user", content: "x" }] }));
    assert.equal(noModel.status, 400);
    assert.equal(Number(noModel.length), Buffer.byteLength(noModel.text));
    assert.deepEqual(JSON.parse(noModel.text), {
      error: {
        message: "you must provide a model parameter",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });

    const badRole = ErrorBody.parse(
      JSON.parse((await post(JSON.stringify({ model: "m", messages: [{ role: "bot" }] }))).text),
    );
    assert.equal(badRole.error.param, "messages[0].role");
    assert.equal(badRole.error.code, "invalid_value");

    const notJson = await post("{nope");
    assert.equal(notJson.status, 400);
    assert.equal(ErrorBody.parse(JSON.parse(notJson.text)).error.type, "invalid_request_error");
  });

  test("answers 405 for a wrong method and 404 for an unknown path", async () => {
    const wrongMethod = await fetch(`${upstream.url}/v1/chat/completions`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(ErrorBody.parse(await wrongMethod.json()).error.type, "invalid_request_error");
    const unknown = await fetch(`${upstream.url}/v1/nothing-here`, { method: "POST", body: "{}" });
    assert.equal(unknown.status, 404);
    assert.match(ErrorBody.parse(await unknown.json()).error.message, /Invalid URL/);
  });

  test("requires the configured API key when one is set", async () => {
    const guarded = await startDemoUpstream({ apiKey: "sk-provider" });
    try {
      const wrong = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: "x", maxRetries: 0 });
      await assert.rejects(wrong.models.list(), OpenAI.AuthenticationError);
      const right = new OpenAI({ baseURL: `${guarded.url}/v1`, apiKey: "sk-provider", maxRetries: 0 });
      const page = await right.models.list();
      assert.ok(page.data.length > 0);
    } finally {
      await guarded.close();
    }
  });
});
