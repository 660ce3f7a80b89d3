import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { redactAnswerBody } from "../../extproc/src/pipeline/pii/response-pii.ts";
import { anthropicEventCodec } from "../../extproc/src/pipeline/pii/stream/anthropic-event-codec.ts";
import { openAiChunkCodec } from "../../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { SseAnswerRedactor } from "../../extproc/src/pipeline/pii/stream/sse-answer-redactor.ts";
import type { SseTextCodec } from "../../extproc/src/pipeline/pii/stream/sse-text-codec.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import { NumberingReplacer, RESTORE, random, randomPieces, randomText } from "./stream-fixtures.ts";

/**
 * Tool-call arguments stream as JSON text in pieces (OpenAI `arguments` deltas, Anthropic
 * `input_json_delta`). What the caller assembles must be valid JSON and equal to what the buffered
 * answer path gives for the same arguments: that path decodes the JSON and redacts each string
 * value on its own, so an escape such as `\n` right before an entity is a boundary, not a letter.
 */
const detectors = builtinDetectors();

/** The arguments as the buffered (non-stream) OpenAI answer path rewrites them. */
function buffered(args: string, restore: ReadonlyMap<string, string> = new Map()): string {
  const body = JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        message: {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "send", arguments: args } }],
        },
      },
    ],
  });
  const { text } = redactAnswerBody(
    "openai.chat_completions",
    body,
    detectors,
    new NumberingReplacer(restore),
  );
  const answer = JSON.parse(text ?? body) as {
    choices: { message: { tool_calls: { function: { arguments: string } }[] } }[];
  };
  return answer.choices[0]?.message.tool_calls[0]?.function.arguments ?? "";
}

const OPENAI_BASE = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };

function openAiStream(pieces: readonly string[]): string {
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...OPENAI_BASE, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({
      role: "assistant",
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "send", arguments: "" } }],
    }),
    ...pieces.map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] })),
    chunk({}, "tool_calls"),
    "data: [DONE]\n\n",
  ].join("");
}

function anthropicStream(pieces: readonly string[]): string {
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("message_start", { message: { id: "msg_1", type: "message", role: "assistant", content: [] } }),
    event("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: "toolu_1", name: "send", input: {} },
    }),
    ...pieces.map((piece) =>
      event("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: piece } }),
    ),
    event("content_block_stop", { index: 0 }),
    event("message_stop", {}),
  ].join("");
}

/** The arguments the client assembles from the redacted stream. */
function clientArguments(codec: SseTextCodec, stream: string, restore: ReadonlyMap<string, string>): string {
  const redactor = new SseAnswerRedactor(
    codec,
    (kind) => new StreamTextRedactor(detectors, new NumberingReplacer(restore), kind === "arguments"),
  );
  const out = Buffer.concat([redactor.push(Buffer.from(stream)), redactor.end()]).toString("utf8");
  let args = "";
  for (const line of out.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const data = JSON.parse(line.slice(6)) as {
      delta?: { partial_json?: string };
      choices?: { delta?: { tool_calls?: { function?: { arguments?: string } }[] } }[];
    };
    args += data.delta?.partial_json ?? "";
    for (const choice of data.choices ?? [])
      for (const call of choice.delta?.tool_calls ?? []) args += call.function?.arguments ?? "";
  }
  return args;
}

const APIS: readonly [string, SseTextCodec, (pieces: readonly string[]) => string][] = [
  ["OpenAI", openAiChunkCodec, openAiStream],
  ["Anthropic", anthropicEventCodec, anthropicStream],
];

/**
 * The buffered path writes each changed string value back with JSON.stringify, so an escape it
 * need not write (`\u00e9`, `\u0020`) comes back as the character itself: for such arguments the
 * two agree on the value, not on the spelling.
 */
function assertStreamsLikeBuffered(
  args: string,
  pieces: readonly string[],
  restore: ReadonlyMap<string, string> = new Map(),
  label = "",
  compare: "text" | "value" = "text",
): void {
  const expected = buffered(args, restore);
  for (const [api, codec, stream] of APIS) {
    const streamed = clientArguments(codec, stream(pieces), restore);
    assert.doesNotThrow(() => JSON.parse(streamed), `${api} ${label}: invalid JSON ${streamed}`);
    const where = `${api} ${label}: ${JSON.stringify(pieces)}`;
    if (compare === "text") assert.equal(streamed, expected, where);
    else assert.deepEqual(JSON.parse(streamed), JSON.parse(expected), where);
  }
}

/** Every way of cutting `text` into two pieces, and into three around every position. */
function* cuts(text: string): Generator<string[]> {
  for (let at = 0; at <= text.length; at++) {
    yield [text.slice(0, at), text.slice(at)];
    if (at >= 2) yield [text.slice(0, at - 2), text.slice(at - 2, at), text.slice(at)];
  }
}

describe("streamed tool-call arguments (JSON text)", () => {
  const REVIEW = JSON.stringify({
    body: "Hello,\njane.doe@example.com\nCard:\n4111111111111111\nPhone:\n+1 415-555-0134\nIBAN:\nDE89370400440532013000",
  });
  const ESCAPES = JSON.stringify({
    note: "tab\tbob@mail.example.org\t5555555555554444",
    quote: 'he said "alice.smith@example.com" and "536-22-1234"\r\n',
    path: "C:\\temp\\4111 1111 1111 1111\\",
  });

  it("the buffered path redacts every entity after an escape (so the cases below test something)", () => {
    assert.equal(
      buffered(REVIEW),
      JSON.stringify({
        body: "Hello,\n<EMAIL~1>\nCard:\n<CREDIT_CARD~2>\nPhone:\n<PHONE~3>\nIBAN:\n<IBAN~4>",
      }),
    );
    assert.equal(
      buffered(ESCAPES),
      JSON.stringify({
        note: "tab\t<EMAIL~1>\t<CREDIT_CARD~2>",
        quote: 'he said "<EMAIL~3>" and "<US_SSN~4>"\r\n',
        path: "C:\\temp\\<CREDIT_CARD~5>\\",
      }),
    );
  });

  it('redacts entities after \\n, \\t, \\r and \\" escapes as the buffered answer does, cut at every position', () => {
    for (const args of [REVIEW, ESCAPES]) {
      for (const pieces of cuts(args)) assertStreamsLikeBuffered(args, pieces);
    }
  });

  it("handles an escape split across pieces anywhere, \\uXXXX and an escaped backslash included", () => {
    const args =
      '{"a":"x\\u00e9\\n4111111111111111\\\\","b":"\\\\nbob@mail.example.org\\u0020tel:+1 415-555-0134"}';
    assert.doesNotThrow(() => JSON.parse(args));
    for (const pieces of cuts(args)) assertStreamsLikeBuffered(args, pieces, new Map(), "", "value");
  });

  it("writes placeholders and restored values as JSON string content, next to escapes too", () => {
    const restore = new Map([
      ["[NAME_1]", 'O\'Brien "Bob" \\ C:\\temp\nline two'],
      ["[EMAIL_1]", "carol@example.net"],
    ]);
    const args = JSON.stringify({ to: "[NAME_1]\n[EMAIL_1]", cc: '\t[NAME_1]"', card: "\n4111111111111111" });
    for (const pieces of cuts(args)) assertStreamsLikeBuffered(args, pieces, restore);
    assert.deepEqual(JSON.parse(buffered(args, restore)), {
      to: `${restore.get("[NAME_1]")}\ncarol@example.net`,
      cc: `\t${restore.get("[NAME_1]")}"`,
      card: "\n<CREDIT_CARD~1>",
    });
  });

  it("leaves member names, numbers and literals alone, as the buffered path does", () => {
    const args =
      '{"bob@mail.example.org": 4111111111111111, "n": [5555555555554444, -1.5e3, true, null], "v": "4111111111111111"}';
    assert.equal(
      buffered(args),
      '{"bob@mail.example.org": 4111111111111111, "n": [5555555555554444, -1.5e3, true, null], "v": "<CREDIT_CARD~1>"}',
    );
    for (const pieces of cuts(args)) assertStreamsLikeBuffered(args, pieces);
  });

  it("reads arguments that stop being JSON as plain text from there on, so nothing hides outside a string", () => {
    for (const args of [
      "{to: bob@mail.example.org, note: 4111111111111111}",
      '{"card": 4111 1111 1111 1111, "to": "x"}',
      '{"a": "ok"} and then alice.smith@example.com',
    ]) {
      const expected = buffered(args);
      assert.ok(!/bob@|4111|alice/.test(expected), expected);
      for (const pieces of cuts(args)) {
        for (const [api, codec, stream] of APIS) {
          assert.equal(clientArguments(codec, stream(pieces), new Map()), expected, `${api}: ${args}`);
        }
      }
    }
  });

  it("streams random JSON arguments with entities, placeholders and escapes to the buffered result", () => {
    const keys = ["to", "body", "note", "items", "k"];
    for (let seed = 1; seed <= 150; seed++) {
      const rand = random(seed);
      const value = (depth: number): unknown => {
        const roll = rand();
        if (depth < 2 && roll < 0.15)
          return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => value(depth + 1));
        if (depth < 2 && roll < 0.3) {
          return Object.fromEntries(
            Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, i) => [`${keys[i]}`, value(depth + 1)]),
          );
        }
        if (roll < 0.35) return Math.floor(rand() * 1e6);
        if (roll < 0.38) return rand() < 0.5;
        return randomText(rand, 1 + Math.floor(rand() * 6)).replace(/ /g, () => (rand() < 0.2 ? "\n" : " "));
      };
      const args = JSON.stringify({ [`${keys[seed % keys.length]}`]: value(0), body: value(1) });
      const pieces = randomPieces(rand, args, 1 + Math.floor(rand() * 8));
      assertStreamsLikeBuffered(args, pieces, RESTORE, `seed ${seed}`);
    }
  });
});
