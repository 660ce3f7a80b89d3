import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { builtinDetectors } from "../../extproc/src/pipeline/pii/detectors/index.ts";
import { openAiChunkCodec } from "../../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { redactRestoreText } from "../../extproc/src/pipeline/pii/stream/redact-restore-text.ts";
import { SseAnswerRedactor } from "../../extproc/src/pipeline/pii/stream/sse-answer-redactor.ts";
import { SseEventSplitter } from "../../extproc/src/pipeline/pii/stream/sse-event-splitter.ts";
import { StreamTextRedactor } from "../../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";
import { readAsClient } from "./read-as-client.ts";
import { NumberingReplacer, random } from "./stream-fixtures.ts";

const detectors = builtinDetectors();
const BASE = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1700000000, model: "gpt-4o-mini" };
const USAGE = `data: ${JSON.stringify({ ...BASE, choices: [], usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 } })}\n\n`;

function chunk(choices: unknown[]): string {
  return `data: ${JSON.stringify({ ...BASE, choices })}\n\n`;
}
function content(index: number, text: string, finish: string | null = null): unknown {
  return { index, delta: { content: text }, logprobs: null, finish_reason: finish };
}

/** A realistic n=2 stream: entities and placeholders split across events, a tool call in fragments. */
const CHOICE0 = [
  "Hi! Mail alice.sm",
  "ith@exa",
  "mple.com or use card 4111 ",
  "1111 1111 11",
  "11, ask [EM",
  "AIL_1] 😀 ok",
];
const CHOICE1 = ["Call +1 (415) ", "555-26", "71 — café 数据 [PHONE_1", "] bye"];
const ARGS = ['{"to":"bob@mail.ex', 'ample.org","note":"see [EMA', 'IL_1]"}'];
const STREAM = [
  ": keep-alive\n\n",
  chunk([{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }]),
  ...CHOICE0.map((text, i) => chunk([content(0, text), content(1, CHOICE1[i] ?? "")])),
  "event: message\nid: 7\nretry: 1000\ndata: " +
    JSON.stringify({ ...BASE, choices: [content(1, " after")] }) +
    "\n\n",
  chunk([content(0, "", "stop")]),
  chunk([
    {
      index: 1,
      delta: {
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "send", arguments: "" } }],
      },
      finish_reason: null,
    },
  ]),
  ...ARGS.map((args) =>
    chunk([{ index: 1, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] } }]),
  ),
  chunk([{ index: 1, delta: {}, finish_reason: "tool_calls" }]),
  USAGE,
  "data: [DONE]\n\n",
].join("");

function makeRedactor(): StreamTextRedactor {
  return new StreamTextRedactor(detectors, new NumberingReplacer());
}

function run(
  stream: Buffer,
  cuts: readonly number[],
): { out: Buffer; pushes: Buffer[]; redactor: SseAnswerRedactor } {
  const redactor = new SseAnswerRedactor(openAiChunkCodec, makeRedactor);
  const pushes: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    pushes.push(redactor.push(stream.subarray(at, cut)));
    at = cut;
  }
  pushes.push(redactor.end());
  return { out: Buffer.concat(pushes), pushes, redactor };
}

const oneShot = (text: string) => redactRestoreText(text, detectors, new NumberingReplacer());

describe("SseAnswerRedactor", () => {
  const body = Buffer.from(STREAM);
  const expected = new Map([
    ["0/content", oneShot(CHOICE0.join(""))],
    ["1/content", oneShot(`${CHOICE1.join("")} after`)],
    ["1/tool0", oneShot(ARGS.join(""))],
  ]);

  it("the expected texts are redacted and restored (the stream has something to catch)", () => {
    assert.equal(
      expected.get("0/content"),
      "Hi! Mail <EMAIL~1> or use card <CREDIT_CARD~2>, ask carol@example.net 😀 ok",
    );
    assert.equal(expected.get("1/tool0"), '{"to":"<EMAIL~1>","note":"see carol@example.net"}');
  });

  it("gives the client the one-shot text of every stream, whatever byte it was cut at", () => {
    for (let cut = 0; cut <= body.length; cut++) {
      const { out, pushes } = run(body, [cut]);
      for (const piece of pushes) new TextDecoder("utf-8", { fatal: true }).decode(piece);
      const client = readAsClient(out);
      for (const [key, text] of expected) assert.equal(client.texts.get(key), text, `${key}, cut at ${cut}`);
    }
  });

  it("handles many random cuts, with LF, CRLF and CR line endings", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const input = Buffer.from(STREAM.replace(/\n/g, eol));
      for (let seed = 1; seed <= 60; seed++) {
        const rand = random(seed);
        const cuts = [
          ...new Set(
            Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * input.length)),
          ),
        ];
        const { out, pushes } = run(
          input,
          cuts.sort((a, b) => a - b),
        );
        for (const piece of pushes) new TextDecoder("utf-8", { fatal: true }).decode(piece);
        const client = readAsClient(out);
        for (const [key, text] of expected)
          assert.equal(client.texts.get(key), text, `${JSON.stringify(eol)} seed ${seed}`);
        assert.equal(client.data.at(-1), "[DONE]");
        assert.deepEqual(client.comments, ["keep-alive"]);
      }
    }
  });

  it("passes events without text to change byte-identical: usage, [DONE], comments, non-JSON", () => {
    const extra = Buffer.from(`data: not json at all\n\nevent: ping\ndata: {"type":"ping"}\n\n${STREAM}`);
    const { out, redactor } = run(extra, [7, 300]);
    const text = out.toString("utf8");
    for (const raw of [
      USAGE,
      "data: [DONE]\n\n",
      ": keep-alive\n\n",
      "data: not json at all\n\n",
      'event: ping\ndata: {"type":"ping"}\n\n',
    ]) {
      assert.ok(text.includes(raw), raw);
    }
    assert.ok(text.endsWith(`${USAGE}data: [DONE]\n\n`));
    assert.ok(
      text.includes("event: message\nid: 7\nretry: 1000\ndata: "),
      "other fields of a rewritten event are kept",
    );
    const stats = redactor.stats();
    assert.equal(stats.events, stats.rewritten + stats.passedThrough);
    assert.equal(stats.matches.get("EMAIL"), 2);
    assert.equal(stats.restored, 3);
  });

  it("flushes text held when the stream has no finish_reason into a chunk placed before [DONE]", () => {
    const input = Buffer.from(
      `${chunk([content(0, "write to bob@mail.ex")])}${chunk([content(0, "ample.org")])}data: [DONE]\n\n`,
    );
    const { out } = run(input, []);
    const client = readAsClient(out);
    assert.equal(client.texts.get("0/content"), "write to <EMAIL~1>");
    assert.equal(client.data.at(-1), "[DONE]");
    const synthetic = JSON.parse(client.data.at(-2) as string) as Record<string, unknown>;
    assert.equal(synthetic.id, BASE.id);
    assert.equal(synthetic.model, BASE.model);
  });

  it("redacts legacy completions text", () => {
    const legacy = (text: string, finish: string | null) =>
      `data: ${JSON.stringify({ id: "cmpl-1", object: "text_completion", model: "m", choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
    const input = Buffer.from(`${legacy("SSN 536-2", null) + legacy("2-1234 ok", "length")}data: [DONE]\n\n`);
    const client = readAsClient(run(input, [40]).out);
    assert.equal(client.texts.get("0/text"), "SSN <US_SSN~1> ok");
  });

  it("a stream cut mid-event never passes an entity it contains and ends its last line", () => {
    const whole = `${chunk([content(0, "hello there")])}data: {"id":"x","choices":[{"index":0,"delta":{"content":"card 5555555555554444 and alice.smith@example.com ca`;
    // Ends inside a two-byte character too: the half character is not sent.
    const { out } = run(Buffer.concat([Buffer.from(`${whole}fé `), Buffer.from([0xc3])]), [10]);
    const text = out.toString("utf8");
    assert.ok(!text.includes("alice.smith@example.com"));
    assert.ok(!text.includes("5555555555554444"));
    assert.match(text, /card <CREDIT_CARD~\d> and <EMAIL~\d> café \n$/);
    assert.ok(text.endsWith("\n"));
    new TextDecoder("utf-8", { fatal: true }).decode(out);
    assert.equal(readAsClient(out).texts.get("0/content"), "hello there");
  });
});

describe("restoring into streamed tool-call arguments", () => {
  it("writes the original as JSON string content, so the arguments stay valid JSON whatever it holds", () => {
    const original = 'O\'Brien "Bob" \\ C:\\temp\nline two';
    const restore = new Map([["[NAME_1]", original]]);
    const pieces = ['{"to":"[NA', 'ME_1]","cc":"[NAME_1', ']"}'];
    const events = [
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "send", arguments: "" } }] },
        },
      ]),
      ...pieces.map((args) =>
        chunk([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] } }]),
      ),
      chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
      "data: [DONE]\n\n",
    ].join("");
    const input = Buffer.from(events);
    for (let cut = 0; cut <= input.length; cut += 7) {
      const redactor = new SseAnswerRedactor(
        openAiChunkCodec,
        (kind) => new StreamTextRedactor(detectors, new NumberingReplacer(restore), kind === "arguments"),
      );
      const out = Buffer.concat([
        redactor.push(input.subarray(0, cut)),
        redactor.push(input.subarray(cut)),
        redactor.end(),
      ]);
      const args = readAsClient(out).texts.get("0/tool0") ?? "";
      assert.deepEqual(JSON.parse(args), { to: original, cc: original }, `cut at ${cut}`);
    }
  });
});

describe("an event that never ends", () => {
  it("is refused once it outgrows the bound instead of being held without limit", () => {
    const splitter = new SseEventSplitter(64);
    assert.deepEqual(splitter.push(Buffer.from("data: {}\n\n")).length, 1);
    splitter.push(Buffer.from(`data: ${"x".repeat(40)}`));
    assert.throws(() => splitter.push(Buffer.from("y".repeat(40))), /grew past 64 bytes/);
  });
});

describe("the event splitter", () => {
  it("takes an event trickling in byte by byte in linear time, and never rewrites an event it handed out", () => {
    const splitter = new SseEventSplitter();
    const big = Buffer.from(`data: ${"x".repeat(512 * 1024)}\r\n\r\n`);
    const started = process.hrtime.bigint();
    const events: Buffer[] = [];
    for (let at = 0; at < big.length; at += 3) events.push(...splitter.push(big.subarray(at, at + 3)));
    // Concatenating the held bytes at every chunk took about 5 s here (a minute at the 1 MiB bound
    // in 1-byte chunks); growing by doubling takes under 100 ms.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1500);
    assert.equal(events.length, 1);
    assert.ok((events[0] as Buffer).equals(big));
    const first = splitter.push(Buffer.from("data: 1\n\ndata: 2"));
    const copy = Buffer.from(first[0] as Buffer);
    const second = splitter.push(Buffer.from("2\r"));
    assert.deepEqual(second, []);
    const third = splitter.push(Buffer.from("\n\r\ndata: 3\n\n"));
    assert.ok((first[0] as Buffer).equals(copy));
    assert.deepEqual(
      [...first, ...third].map((event) => event.toString()),
      ["data: 1\n\n", "data: 22\r\n\r\n", "data: 3\n\n"],
    );
    assert.equal(splitter.takePending().length, 0);
    // An event cut from the splitter's own buffer stays intact while later bytes arrive.
    splitter.push(Buffer.from("data: a"));
    const grown = splitter.push(Buffer.from("b\n\ndata: c"));
    splitter.push(Buffer.from("d".repeat(100)));
    const last = splitter.push(Buffer.from("\n\n"));
    assert.deepEqual(
      grown.map((event) => event.toString()),
      ["data: ab\n\n"],
    );
    assert.deepEqual(
      last.map((event) => event.toString()),
      [`data: c${"d".repeat(100)}\n\n`],
    );
  });
});

describe("the data of each event", () => {
  it("is handed to onData as parsed once, a final event cut only of its blank line included", () => {
    const seen: unknown[] = [];
    const redactor = new SseAnswerRedactor(openAiChunkCodec, makeRedactor, (data) =>
      seen.push(structuredClone(data)),
    );
    redactor.push(Buffer.from(`: ping\n\n${chunk([content(0, "hi")])}data: [DONE]\n\n`));
    redactor.push(Buffer.from(USAGE.trimEnd()));
    redactor.end();
    assert.deepEqual(seen, [
      { ...BASE, choices: [content(0, "hi")] },
      undefined,
      { ...BASE, choices: [], usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 } },
    ]);
  });
});
