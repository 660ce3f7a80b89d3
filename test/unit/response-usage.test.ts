import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StreamUsageReader, usageFromJson } from "../../extproc/src/pipeline/response-usage.ts";

/** Token usage for the audit row, read from each API's own answers. */
describe("reading token usage", () => {
  it("reads an OpenAI answer's usage", () => {
    const usage = { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 };
    assert.deepEqual(usageFromJson("openai.chat_completions", { usage }), usage);
  });

  it("reads an Anthropic message, cache reads and writes counted as prompt", () => {
    const message = {
      type: "message",
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_creation_input_tokens: 2,
        cache_read_input_tokens: 3,
      },
    };
    assert.deepEqual(usageFromJson("anthropic.messages", message), {
      prompt_tokens: 15,
      completion_tokens: 5,
      total_tokens: 20,
    });
  });

  it("reads an Anthropic stream: input from message_start, cumulative output from message_delta", () => {
    const reader = new StreamUsageReader("anthropic.messages");
    const events = [
      ["message_start", { message: { usage: { input_tokens: 12, output_tokens: 1 } } }],
      ["content_block_delta", { index: 0, delta: { type: "text_delta", text: "hi" } }],
      ["message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 8 } }],
      ["message_stop", {}],
    ] as const;
    for (const [type, data] of events) {
      reader.push(Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`), false);
    }
    reader.push(Buffer.alloc(0), true);
    assert.deepEqual(reader.result(), { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 });
  });

  it("reads Gemini's usageMetadata, thoughts counted as completion, in JSON and in the stream's last chunk", () => {
    const answer = {
      candidates: [],
      usageMetadata: {
        promptTokenCount: 4,
        candidatesTokenCount: 6,
        thoughtsTokenCount: 2,
        totalTokenCount: 12,
      },
    };
    assert.deepEqual(usageFromJson("gemini.generate_content", answer), {
      prompt_tokens: 4,
      completion_tokens: 8,
      total_tokens: 12,
    });
    const reader = new StreamUsageReader("gemini.stream_generate_content");
    reader.push(
      Buffer.from(
        `data: ${JSON.stringify({ usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1 } })}\n\n`,
      ),
      false,
    );
    reader.push(Buffer.from(`data: ${JSON.stringify(answer)}\n\n`), true);
    assert.deepEqual(reader.result(), { prompt_tokens: 4, completion_tokens: 8, total_tokens: 12 });
  });

  it("reads nothing from an answer without usage", () => {
    assert.equal(usageFromJson("anthropic.messages", { type: "error" }), undefined);
    assert.equal(usageFromJson("gemini.generate_content", { error: { code: 400 } }), undefined);
  });

  it("reads a last event cut only of its blank line, and gives up on an event that never ends", () => {
    const reader = new StreamUsageReader("openai.chat_completions");
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    reader.push(Buffer.from(`data: ${JSON.stringify({ choices: [], usage })}`), true);
    assert.deepEqual(reader.result(), usage);
    const endless = new StreamUsageReader("openai.chat_completions");
    const piece = Buffer.alloc(64 * 1024, "x");
    endless.push(Buffer.from("data: "), false);
    for (let held = 0; held <= 2 * 1024 * 1024; held += piece.length) endless.push(piece, false);
    endless.push(Buffer.from(`\n\ndata: ${JSON.stringify({ choices: [], usage })}\n\n`), true);
    assert.equal(endless.result(), undefined);
  });
});
