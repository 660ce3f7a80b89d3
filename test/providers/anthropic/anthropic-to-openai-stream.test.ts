import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AnthropicToOpenAiStream } from "../../../extproc/src/adapters/providers/anthropic/index.ts";
import { MAX_EVENT_BYTES } from "../../../extproc/src/pipeline/pii/stream/sse-event-splitter.ts";

const sse = (data: Record<string, unknown> & { type: string }) =>
  `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

const TOOL_STREAM = [
  sse({
    type: "message_start",
    message: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [],
      model: "c",
      stop_reason: null,
      usage: { input_tokens: 12, output_tokens: 1 },
    },
  }),
  sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  sse({ type: "ping" }),
  sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Héllo " } }),
  sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "🌍" } }),
  sse({ type: "content_block_stop", index: 0 }),
  sse({
    type: "content_block_start",
    index: 1,
    content_block: { type: "tool_use", id: "toolu_1", name: "weather", input: {} },
  }),
  sse({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } }),
  sse({
    type: "content_block_delta",
    index: 1,
    delta: { type: "input_json_delta", partial_json: '{"city":' },
  }),
  sse({
    type: "content_block_delta",
    index: 1,
    delta: { type: "input_json_delta", partial_json: '"Paris"}' },
  }),
  sse({ type: "content_block_stop", index: 1 }),
  sse({
    type: "message_delta",
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 30 },
  }),
  sse({ type: "message_stop" }),
].join("");

/** Feeds the bytes in pieces of `size` (cutting events and UTF-8 characters) and returns the data lines. */
function run(input: string, size: number): { events: string[]; translator: AnthropicToOpenAiStream } {
  const translator = new AnthropicToOpenAiStream("gpt-4o", () => 1_700_000_000_000);
  const bytes = Buffer.from(input);
  let out = "";
  for (let i = 0; i < bytes.length; i += size)
    out += translator.push(bytes.subarray(i, i + size)).toString("utf8");
  out += translator.end().toString("utf8");
  const events = out.split("\n\n").filter((e) => e !== "");
  for (const event of events) assert.match(event, /^data: /);
  return { events: events.map((e) => e.slice("data: ".length)), translator };
}

const chunks = (events: string[]) => events.filter((e) => e !== "[DONE]").map((e) => JSON.parse(e));

describe("AnthropicToOpenAiStream", () => {
  for (const size of [1, 7, 64, 100_000]) {
    test(`translates text and tool calls the same whatever the chunking (${size}-byte chunks)`, () => {
      const { events, translator } = run(TOOL_STREAM, size);
      const parsed = chunks(events);
      assert.equal(events.at(-1), "[DONE]");
      assert.deepEqual(parsed[0].choices[0].delta, { role: "assistant", content: "" });
      for (const chunk of parsed) {
        assert.equal(chunk.id, "chatcmpl-msg_1");
        assert.equal(chunk.object, "chat.completion.chunk");
        assert.equal(chunk.model, "gpt-4o");
      }
      const deltas = parsed.flatMap((c) => c.choices.map((choice: { delta: unknown }) => choice.delta));
      const text = deltas.map((d: { content?: string }) => d.content ?? "").join("");
      assert.equal(text, "Héllo 🌍");
      const toolDeltas = deltas.flatMap((d: { tool_calls?: unknown[] }) => d.tool_calls ?? []);
      assert.deepEqual(toolDeltas, [
        { index: 0, id: "toolu_1", type: "function", function: { name: "weather", arguments: "" } },
        { index: 0, function: { arguments: '{"city":' } },
        { index: 0, function: { arguments: '"Paris"}' } },
      ]);
      const finishes = parsed
        .flatMap((c) => c.choices.map((choice: { finish_reason: unknown }) => choice.finish_reason))
        .filter(Boolean);
      assert.deepEqual(finishes, ["tool_calls"]);
      const last = parsed.at(-1);
      assert.deepEqual(last.choices, []);
      assert.deepEqual(last.usage, {
        prompt_tokens: 12,
        completion_tokens: 30,
        total_tokens: 42,
        prompt_tokens_details: { cached_tokens: 0 },
      });
      assert.deepEqual(translator.usage(), { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42 });
    });
  }

  for (const [name, ending] of [
    ["CRLF", "\r\n"],
    ["CR", "\r"],
  ] as const) {
    test(`completes a stream whose lines end in ${name}, the last event included`, () => {
      const { events } = run(TOOL_STREAM.replaceAll("\n", ending), 5);
      assert.equal(events.at(-1), "[DONE]");
      assert.deepEqual(chunks(events).at(-1)?.usage?.total_tokens, 42);
    });
  }

  test("turns an Anthropic error event into an OpenAI error event and stops there, without [DONE]", () => {
    const input =
      TOOL_STREAM.split("event: content_block_stop")[0] +
      sse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }) +
      sse({ type: "message_stop" });
    const { events } = run(input, 16);
    assert.notEqual(events.at(-1), "[DONE]");
    assert.deepEqual(JSON.parse(events.at(-1) ?? ""), {
      error: { message: "Overloaded", type: "api_error", param: null, code: "overloaded_error" },
    });
  });

  test("ends a stream cut before message_stop with an interrupted error and keeps the partial usage", () => {
    const cut = TOOL_STREAM.slice(0, TOOL_STREAM.indexOf("event: message_delta") + 10);
    const { events, translator } = run(cut, 5);
    assert.deepEqual(JSON.parse(events.at(-1) ?? "").error.code, "provider_stream_interrupted");
    assert.ok(
      events.some((e) => e.includes("Héllo")),
      "what arrived before the cut is passed on",
    );
    assert.deepEqual(translator.usage(), { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 });
  });

  test("reports an empty stream as interrupted, with no usage", () => {
    const { events, translator } = run("", 1);
    assert.equal(events.length, 1);
    assert.equal(JSON.parse(events[0] ?? "").error.code, "provider_stream_interrupted");
    assert.equal(translator.usage(), undefined);
  });

  test("refuses an event whose data is not JSON", () => {
    const { events } = run(`${TOOL_STREAM.slice(0, 300)}\n\nevent: content_block_delta\ndata: {nope\n\n`, 50);
    assert.equal(JSON.parse(events.at(-1) ?? "").error.code, "provider_invalid_response");
  });

  test("refuses an event that is not UTF-8 instead of passing on replacement characters", () => {
    const translator = new AnthropicToOpenAiStream("gpt-4o", () => 1_700_000_000_000);
    const head = Buffer.from(TOOL_STREAM.slice(0, TOOL_STREAM.indexOf("event: ping")));
    const broken = Buffer.concat([
      Buffer.from(
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"',
      ),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}\n\n'),
    ]);
    const out = Buffer.concat([translator.push(head), translator.push(broken), translator.end()]).toString(
      "utf8",
    );
    assert.ok(!out.includes("\ufffd"));
    const events = out.split("\n\n").filter((e) => e !== "");
    assert.equal(
      JSON.parse(events.at(-1)?.slice("data: ".length) ?? "").error.code,
      "provider_invalid_response",
    );
  });

  test("skips event types it does not know", () => {
    const withUnknown = TOOL_STREAM.replace(
      "event: ping",
      `${sse({ type: "future_event", x: 1 })}event: ping`,
    );
    const { events } = run(withUnknown, 13);
    assert.equal(events.at(-1), "[DONE]");
  });

  test("maps max_tokens to finish_reason length", () => {
    const input = TOOL_STREAM.replace('"stop_reason":"tool_use"', '"stop_reason":"max_tokens"');
    const finishes = chunks(run(input, 1000).events)
      .flatMap((c) => c.choices.map((choice: { finish_reason: unknown }) => choice.finish_reason))
      .filter(Boolean);
    assert.deepEqual(finishes, ["length"]);
  });
});

describe("an Anthropic event that never ends", () => {
  test("is refused once it grows past the shared event bound, failing closed", () => {
    const translator = new AnthropicToOpenAiStream("claude");
    translator.push(Buffer.from(TOOL_STREAM.slice(0, TOOL_STREAM.indexOf("event: ping"))));
    const piece = Buffer.from(`data: {"type":"content_block_delta","text":"${"x".repeat(64 * 1024)}`);
    assert.throws(() => {
      for (let held = 0; held <= MAX_EVENT_BYTES; held += piece.length) translator.push(piece);
    }, /grew past 1048576 bytes/);
  });
});
