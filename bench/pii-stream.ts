/**
 * The cost of redacting a streamed answer, per upstream event, by the shape of the text the model
 * writes, in the same run as a baseline:
 *
 *   node --import tsx bench/pii-stream.ts [--events 20000] [--rounds 5]
 *
 * Each case is an OpenAI `chat.completion.chunk` stream of `--events` content events carrying a
 * few characters each, fed one event per push to the SSE redactor the gateway runs (shipped policy
 * bundle's detectors, the request's replacements with two placeholders to restore). Prose is the
 * baseline: text that holds back at most a word. The other cases are long runs of characters that
 * could each be part of an entity, which the redactor must hold back and rescan: base64 and hex
 * blobs, "1 " digit groups, a JWT-shaped token whose payload keeps growing, and tool-call arguments
 * as JSON text with escapes. The best of `rounds` timed passes is reported, after one warm-up pass,
 * as µs per event and as a multiple of prose.
 */
import pino from "pino";
import { PolicyStore } from "../extproc/src/adapters/opa/policy-store.ts";
import { PiiReplacements } from "../extproc/src/pipeline/pii/pii-replacements.ts";
import { openAiChunkCodec } from "../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { SseAnswerRedactor } from "../extproc/src/pipeline/pii/stream/sse-answer-redactor.ts";
import { StreamTextRedactor } from "../extproc/src/pipeline/pii/stream/stream-text-redactor.ts";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const EVENTS = option("events", 20000);
const ROUNDS = option("rounds", 5);
const detectors = (
  await PolicyStore.open("policies/build/bundle.tar.gz", 0, pino({ level: "silent" }))
).current().detectors;

const BASE = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1700000000, model: "gpt-4o-mini" };
const contentEvent = (content: string): string =>
  `data: ${JSON.stringify({ ...BASE, choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const argumentsEvent = (args: string): string =>
  `data: ${JSON.stringify({ ...BASE, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] }, finish_reason: null }] })}\n\n`;

// Deterministic bytes, so every run streams the same text.
const bytes = Buffer.from(Array.from({ length: 4 * EVENTS + 64 }, (_, i) => (i * 7919 + (i >> 3)) & 255));
const base64 = bytes.toString("base64");
const hex = bytes.toString("hex");
const base64url = bytes.toString("base64url");
const JWT_START = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
const PROSE = "the quarterly report covers revenue and churn, please review it before the meeting. ";
const ARGS_ITEM = '{"to":"[EMAIL_1]","body":"Hello,\\nthe report\\tis \\"ready\\"\\n"}';
// One long JSON text, as a model streams the arguments of a tool call a few characters at a time.
const ARGS = `{"items":[${Array.from({ length: EVENTS / 10 }, () => ARGS_ITEM).join(",")}]}`;

const cases: [string, (i: number) => string][] = [
  ["prose (baseline)", (i) => PROSE.slice((i * 4) % 84, ((i * 4) % 84) + 4)],
  ["base64 4-char tokens", (i) => base64.slice(i * 4, i * 4 + 4)],
  ["hex 4-char tokens", (i) => hex.slice(i * 4, i * 4 + 4)],
  ['"1 " digit groups', () => "1 "],
  ["JWT-shaped, long payload", (i) => (i === 0 ? JWT_START : base64url.slice(i * 4, i * 4 + 4))],
];

function stream(piece: (i: number) => string, event: (text: string) => string): Buffer[] {
  return [
    ...Array.from({ length: EVENTS }, (_, i) => Buffer.from(event(piece(i)))),
    Buffer.from("data: [DONE]\n\n"),
  ];
}

function once(events: readonly Buffer[]): number {
  const replacer = new PiiReplacements(new Map(), undefined);
  replacer.replacementFor({ type: "EMAIL", start: 0, end: 17 }, "carol@example.net");
  replacer.replacementFor({ type: "PHONE", start: 0, end: 15 }, "+1 212 555 0199");
  const redactor = new SseAnswerRedactor(
    openAiChunkCodec,
    (kind) => new StreamTextRedactor(detectors, replacer, kind === "arguments"),
  );
  const start = process.hrtime.bigint();
  for (const chunk of events) redactor.push(chunk);
  redactor.end();
  return Number(process.hrtime.bigint() - start) / 1000 / events.length;
}

function best(events: readonly Buffer[]): number {
  once(events);
  let fastest = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) fastest = Math.min(fastest, once(events));
  return fastest;
}

const rows: [string, number][] = cases.map(([name, piece]) => [name, best(stream(piece, contentEvent))]);
rows.push(["tool arguments, JSON text", best(stream((i) => ARGS.slice(i * 5, i * 5 + 5), argumentsEvent))]);
const baseline = rows[0]?.[1] ?? 1;
process.stdout.write(`Streamed answer redaction, ${EVENTS} events per case, best of ${ROUNDS}\n`);
for (const [name, us] of rows) {
  process.stdout.write(
    `${name.padEnd(28)} ${us.toFixed(1).padStart(7)} µs/event  ${(us / baseline).toFixed(2)}x prose\n`,
  );
}
process.stdout.write(
  `${JSON.stringify({ bench: "pii-stream", events: EVENTS, usPerEvent: Object.fromEntries(rows) })}\n`,
);
