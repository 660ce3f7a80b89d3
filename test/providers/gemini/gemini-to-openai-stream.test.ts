import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  GeminiToOpenAiStream,
  type ResponseStamps,
} from "../../../extproc/src/adapters/providers/gemini/index.ts";
import { MAX_EVENT_BYTES } from "../../../extproc/src/pipeline/pii/stream/sse-event-splitter.ts";

const stamps: ResponseStamps = { id: (r) => `chatcmpl-${r ?? "x"}`, nowSeconds: () => 1 };

function sse(events: readonly unknown[]): Buffer {
  return Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join(""));
}

/** Feeds the bytes in pieces of `size`, as a network would cut them, and returns the SSE data lines. */
function run(
  bytes: Buffer,
  size: number,
  translator = new GeminiToOpenAiStream("gpt-4o", { stamps }),
): string[] {
  let out = "";
  for (let i = 0; i < bytes.length; i += size)
    out += translator.push(bytes.subarray(i, i + size)).toString("utf8");
  out += translator.end().toString("utf8");
  assert.ok(out.endsWith("\n\n"));
  return out
    .split("\n\n")
    .filter((e) => e !== "")
    .map((e) => e.replace(/^data: /, ""));
}

const text = (t: string, finishReason?: string, usage?: unknown) => ({
  candidates: [
    { content: { role: "model", parts: [{ text: t }] }, index: 0, ...(finishReason ? { finishReason } : {}) },
  ],
  ...(usage ? { usageMetadata: usage } : {}),
  responseId: "r1",
});
const usage = { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 };

describe("Gemini stream → OpenAI chat.completion.chunk stream", () => {
  for (const size of [1, 3, 7, 4096]) {
    it(`gives the same events whatever the byte chunking (${size} bytes), UTF-8 split included`, () => {
      const events = run(sse([text("Grüße, "), text("wörld 🌍", "STOP", usage)]), size);
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
      assert.equal(events.at(-1), "[DONE]");
      assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "", refusal: null });
      const content = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
      assert.equal(content, "Grüße, wörld 🌍");
      assert.equal(chunks.at(-2).choices[0].finish_reason, "stop");
      assert.deepEqual(chunks.at(-1).choices, []);
      assert.equal(chunks.at(-1).usage.total_tokens, 7);
      assert.ok(
        chunks.every(
          (c) => c.id === "chatcmpl-r1" && c.object === "chat.completion.chunk" && c.model === "gpt-4o",
        ),
      );
    });
  }

  it("sends each whole function call as one complete tool_calls delta and finishes with tool_calls", () => {
    const translator = new GeminiToOpenAiStream("gpt-4o", { stamps });
    const event = {
      candidates: [
        {
          content: {
            parts: [
              { functionCall: { name: "a", args: { q: 1 } } },
              { functionCall: { name: "b", args: {} } },
            ],
          },
          finishReason: "STOP",
        },
      ],
      usageMetadata: usage,
    };
    const chunks = run(sse([event]), 10, translator)
      .slice(0, -1)
      .map((e) => JSON.parse(e));
    assert.deepEqual(
      chunks.flatMap((c) =>
        c.choices.flatMap((ch: { delta: { tool_calls?: unknown[] } }) => ch.delta.tool_calls ?? []),
      ),
      [
        { index: 0, id: "call_0", type: "function", function: { name: "a", arguments: '{"q":1}' } },
        { index: 1, id: "call_1", type: "function", function: { name: "b", arguments: "{}" } },
      ],
    );
    assert.equal(chunks.at(-2).choices[0].finish_reason, "tool_calls");
    assert.deepEqual(translator.usage(), { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it("leaves out the usage chunk when the caller did not ask for it, still counting usage", () => {
    const translator = new GeminiToOpenAiStream("gpt-4o", { stamps, includeUsage: false });
    const events = run(sse([text("a", "STOP", usage)]), 64, translator);
    assert.ok(events.every((e) => e === "[DONE]" || JSON.parse(e).choices.length > 0));
    assert.equal(translator.usage()?.total_tokens, 7);
  });

  it("ends a stream cut before the finish reason with an error event and no [DONE]", () => {
    const events = run(sse([text("partial")]), 5);
    const last = JSON.parse(events.at(-1) ?? "{}");
    assert.equal(last.error.code, "provider_stream_interrupted");
    assert.ok(!events.includes("[DONE]"));
  });

  it("ends an empty stream with an error event", () => {
    const events = run(Buffer.alloc(0), 1);
    assert.equal(JSON.parse(events[0] ?? "{}").error.code, "provider_stream_interrupted");
  });

  it("turns a Google error payload inside the stream into an OpenAI error event, then nothing more", () => {
    const error = { error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } };
    const events = run(sse([text("a"), error, text("b", "STOP")]), 9);
    const last = JSON.parse(events.at(-1) ?? "{}");
    assert.deepEqual(last, {
      error: { message: "quota", type: "rate_limit_error", param: null, code: "resource_exhausted" },
    });
    assert.ok(!events.some((e) => e.includes('"content":"b"')));
  });

  it("turns an event that is not JSON into a 502-style error event", () => {
    const events = run(Buffer.from("data: {not json\r\n\r\n"), 4);
    assert.equal(JSON.parse(events.at(-1) ?? "{}").error.code, "invalid_provider_response");
  });

  it("turns an event that is not UTF-8 into an error event, not replacement characters", () => {
    const bytes = Buffer.concat([
      sse([text("a")]),
      Buffer.from('data: {"candidates":[{"content":{"parts":[{"text":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]},"index":0,"finishReason":"STOP"}]}\r\n\r\n'),
    ]);
    const events = run(bytes, 7);
    assert.ok(!events.some((e) => e.includes("\ufffd")));
    assert.equal(JSON.parse(events.at(-1) ?? "{}").error.code, "invalid_provider_response");
  });

  it("reports a blocked prompt as a content_filter error event", () => {
    const events = run(sse([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } }]), 16);
    assert.equal(JSON.parse(events.at(-1) ?? "{}").error.code, "content_filter");
  });

  it("reads a last event that lacks its closing blank line", () => {
    const bytes = Buffer.from(`data: ${JSON.stringify(text("done", "STOP"))}`);
    assert.equal(run(bytes, 8).at(-1), "[DONE]");
  });
});

describe("a Gemini event that never ends", () => {
  it("is refused once it grows past the shared event bound, failing closed", () => {
    const translator = new GeminiToOpenAiStream("gpt-4o", { stamps });
    assert.ok(translator.push(sse([text("a")])).length > 0);
    const piece = Buffer.from(`data: {"candidates":"${"x".repeat(64 * 1024)}`);
    assert.throws(() => {
      for (let held = 0; held <= MAX_EVENT_BYTES; held += piece.length) translator.push(piece);
    }, /grew past 1048576 bytes/);
  });
});
