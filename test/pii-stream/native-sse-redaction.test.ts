import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createParser } from "eventsource-parser";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { anthropicEventCodec } from "../../extproc/src/pipeline/pii/stream/anthropic-event-codec.ts";
import { geminiChunkCodec } from "../../extproc/src/pipeline/pii/stream/gemini-chunk-codec.ts";
import { redactRestoreText } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import { SseAnswerRedactor } from "../../extproc/src/pipeline/pii/stream/sse-answer-redactor.ts";
import type { SseTextCodec } from "../../extproc/src/pipeline/pii/stream/sse-text-codec.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import { NumberingReplacer, random, randomPieces, randomText } from "./stream-fixtures.ts";

/**
 * The one SSE redactor serves the native fronts' streams too: what the client reads adds up to the
 * whole text redacted at once, whatever the chunking, and the events keep the shape the Anthropic
 * and Gemini SDKs read (event names, block order, candidate parts).
 */
const detectors = builtinDetectors();
const oneShot = (text: string) => redactRestoreText(text, detectors, new NumberingReplacer());

interface ClientEvent {
  readonly event: string | undefined;
  readonly data: Record<string, unknown>;
}

function redactStream(codec: SseTextCodec, stream: string, rand: () => number): ClientEvent[] {
  const redactor = new SseAnswerRedactor(
    codec,
    () => new StreamTextRedactor(detectors, new NumberingReplacer()),
  );
  const bytes = Buffer.from(stream);
  const out: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const next = Math.min(bytes.length, at + 1 + Math.floor(rand() * 40));
    out.push(redactor.push(bytes.subarray(at, next)));
    at = next;
  }
  out.push(redactor.end());
  const events: ClientEvent[] = [];
  const parser = createParser({
    onEvent: (event) =>
      events.push({ event: event.event, data: JSON.parse(event.data) as Record<string, unknown> }),
  });
  parser.feed(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(out)));
  return events;
}

function anthropicEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function anthropicStream(text: string, json: string, rand: () => number): string {
  return [
    anthropicEvent("message_start", {
      message: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [],
        usage: { input_tokens: 9, output_tokens: 1 },
      },
    }),
    // Anthropic starts text blocks empty; a start with text must be redacted like a delta.
    anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "Dear " } }),
    ...randomPieces(rand, text, 6).flatMap((piece, i) => [
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }),
      ...(i % 3 === 0 ? [anthropicEvent("ping", {})] : []),
    ]),
    anthropicEvent("content_block_stop", { index: 0 }),
    anthropicEvent("content_block_start", {
      index: 1,
      content_block: { type: "tool_use", id: "toolu_1", name: "send", input: {} },
    }),
    ...randomPieces(rand, json, 5).map((piece) =>
      anthropicEvent("content_block_delta", {
        index: 1,
        delta: { type: "input_json_delta", partial_json: piece },
      }),
    ),
    anthropicEvent("content_block_stop", { index: 1 }),
    anthropicEvent("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 30 } }),
    anthropicEvent("message_stop", {}),
  ].join("");
}

describe("redacting an Anthropic Messages stream", () => {
  it("adds up to the whole text redacted at once, each block's held text before its stop", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed);
      const text = randomText(rand, 12);
      const json = JSON.stringify({ to: "bob@mail.example.org", note: randomText(rand, 4) });
      const events = redactStream(anthropicEventCodec, anthropicStream(text, json, rand), rand);
      const blockText = new Map<number, string>();
      const stopped = new Set<number>();
      for (const { event, data } of events) {
        assert.equal(event, data.type, "every event keeps its name, which the SDK dispatches on");
        const index = data.index as number;
        const started = (data.content_block as { text?: string } | undefined)?.text;
        if (data.type === "content_block_start" && started) blockText.set(index, started);
        if (data.type === "content_block_stop") stopped.add(index);
        if (data.type !== "content_block_delta") continue;
        assert.ok(!stopped.has(index), `seed ${seed}: a delta after its block stopped`);
        const delta = data.delta as { text?: string; partial_json?: string };
        blockText.set(index, (blockText.get(index) ?? "") + (delta.text ?? delta.partial_json ?? ""));
      }
      assert.equal(blockText.get(0), oneShot(`Dear ${text}`), `seed ${seed}`);
      assert.equal(blockText.get(1), oneShot(json), `seed ${seed}`);
      assert.ok(!(blockText.get(1) ?? "").includes("bob@mail.example.org"));
      assert.deepEqual(
        events.map((e) => e.data.type).filter((type) => type !== "content_block_delta" && type !== "ping"),
        [
          "message_start",
          "content_block_start",
          "content_block_stop",
          "content_block_start",
          "content_block_stop",
          "message_delta",
          "message_stop",
        ],
      );
    }
  });
});

function geminiChunk(candidate: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ candidates: [{ index: 0, ...candidate }], modelVersion: "gemini-2.5-flash", responseId: "r1", ...extra })}\n\n`;
}

describe("redacting a Gemini streamGenerateContent stream", () => {
  it("adds up to the whole text redacted at once, held text in the chunk with the finishReason", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed);
      const text = randomText(rand, 12);
      const pieces = randomPieces(rand, text, 8);
      const stream = [
        ...pieces.map((piece, i) =>
          geminiChunk({
            content: { role: "model", parts: [{ text: piece }] },
            ...(i === pieces.length - 1 ? { finishReason: "STOP" } : {}),
          }),
        ),
        geminiChunk(
          { content: { role: "model", parts: [] } },
          { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 5, totalTokenCount: 8 } },
        ),
      ].join("");
      const events = redactStream(geminiChunkCodec, stream, rand);
      let seen = "";
      for (const { data } of events) {
        for (const candidate of (data.candidates ?? []) as { content?: { parts?: { text?: string }[] } }[]) {
          for (const part of candidate.content?.parts ?? []) seen += part.text ?? "";
        }
        assert.equal(data.modelVersion, "gemini-2.5-flash");
      }
      assert.equal(seen, oneShot(text), `seed ${seed}`);
    }
  });

  it("rewrites the strings of a function call's args as they arrive whole", () => {
    const stream = geminiChunk({
      content: {
        role: "model",
        parts: [{ functionCall: { name: "send", args: { to: "alice.smith@example.com", n: 2 } } }],
      },
      finishReason: "STOP",
    });
    const [event] = redactStream(geminiChunkCodec, stream, random(1));
    const part = (event?.data.candidates as { content: { parts: { functionCall: unknown }[] } }[])[0]?.content
      .parts[0];
    assert.deepEqual(part?.functionCall, {
      name: "send",
      args: { to: oneShot("alice.smith@example.com"), n: 2 },
    });
  });
});
