import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { anthropicEventCodec } from "../../extproc/src/pipeline/pii/stream/anthropic-event-codec.ts";
import { geminiChunkCodec } from "../../extproc/src/pipeline/pii/stream/gemini-chunk-codec.ts";
import { openAiChunkCodec } from "../../extproc/src/pipeline/pii/stream/openai-chunk-codec.ts";
import { parseSseEvent } from "../../extproc/src/pipeline/pii/stream/sse-event.ts";
import { SseEventSplitter } from "../../extproc/src/pipeline/pii/stream/sse-event-splitter.ts";
import { assertNoneLeaks, redactAtEveryCut, redactBytes } from "./redact-bytes.ts";
import { readAsAnthropicSdk, readAsGeminiSdk, readAsOpenAiSdk } from "./sdk-readers.ts";

/**
 * The gateway reads each event of a stream as the caller's SDK will (openai, @anthropic-ai/sdk,
 * @google/genai): every data the SDK parses is the data the gateway inspected. Each stream here is
 * written the odd way a provider (or something between it and the gateway) might write it, and
 * read back with the SDK itself; the entity is split between two events.
 */
const EMAIL = "alice.smith@example.com";
const [HEAD, TAIL] = ["mail alice.smith@exa", "mple.com ok"];
const REDACTED = "mail <EMAIL~1> ok";
const BOM = "\uFEFF";

function openAiChunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const choice = { index: 0, delta, logprobs: null, finish_reason: finish };
  return JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", model: "m", choices: [choice] });
}

async function openAiContent(body: Buffer): Promise<string> {
  const { chunks, error } = await readAsOpenAiSdk(body);
  assert.equal(error, undefined);
  assertNoneLeaks(chunks, [EMAIL], "openai");
  return (chunks as { choices: { delta: { content?: string } }[] }[])
    .map((chunk) => chunk.choices[0]?.delta.content ?? "")
    .join("");
}

describe("an OpenAI stream is read as the openai SDK reads it", () => {
  const events = (eol: string, head: string, tail: string) =>
    [
      `${head}${eol}${eol}`,
      `${tail}${eol}${eol}`,
      `data: ${openAiChunk({}, "stop")}${eol}${eol}`,
      `data: [DONE]${eol}${eol}`,
    ].join("");
  const head = `data: ${openAiChunk({ content: HEAD })}`;
  const tail = `data: ${openAiChunk({ content: TAIL })}`;

  for (const eol of ["\n", "\r\n", "\r"]) {
    it(`a data line that starts with a BOM is a data line (${JSON.stringify(eol)} line ends)`, async () => {
      const out = redactAtEveryCut(openAiChunkCodec, events(eol, `${BOM}${head}`, `${BOM}${tail}`));
      assert.equal(await openAiContent(out), REDACTED);
    });

    it(`a line of only a BOM ends the event, as a blank line does (${JSON.stringify(eol)})`, async () => {
      const stream = `${head}${eol}${BOM}${eol}${tail}${eol}${eol}data: ${openAiChunk({}, "stop")}${eol}${eol}`;
      const out = redactAtEveryCut(openAiChunkCodec, stream);
      assert.equal(await openAiContent(out), REDACTED);
    });
  }

  it("reads data split over several data lines, between comments and other fields, as one JSON", async () => {
    const json = openAiChunk({ content: HEAD });
    const cut = json.indexOf('"choices"');
    const head = `: note\nid: 1\ndata: ${json.slice(0, cut)}\n: between\r\ndata:${json.slice(cut)}`;
    const out = redactAtEveryCut(openAiChunkCodec, events("\n", head, `event: message\n${tail}`));
    assert.equal(await openAiContent(out), REDACTED);
  });

  it("mixed line ends cut events where the SDK does (LF then CRLF is a blank line)", async () => {
    const stream = `${head}\n\r\n${tail}\r\n\n${BOM}data: ${openAiChunk({}, "stop")}\r\r`;
    const out = redactAtEveryCut(openAiChunkCodec, stream);
    assert.equal(await openAiContent(out), REDACTED);
  });

  it("a stream that ends right after a CR still ends its last event", async () => {
    // The last event only lacks its blank line: an LF after its CR would make a CRLF, not one.
    const finish = `data: ${openAiChunk({}, "stop")}\r`;
    const out = redactAtEveryCut(
      openAiChunkCodec,
      `data: ${openAiChunk({ content: "hello. " })}\r\r${finish}`,
    );
    const { chunks, error } = await readAsOpenAiSdk(out);
    assert.equal(error, undefined);
    const last = chunks.at(-1) as { choices: { finish_reason: string | null }[] } | undefined;
    assert.equal(last?.choices[0]?.finish_reason, "stop");
  });

  it("a line the SDK ignores (leading space, two BOMs) is ignored by the gateway too", async () => {
    // The SDK reads no data from either line, so the text it gets is what is left, redacted.
    const ignored = ` data: ${openAiChunk({ content: "one" })}\n\n${BOM}${BOM}${head}\n\n`;
    const out = redactAtEveryCut(openAiChunkCodec, `${ignored}${events("\n", head, tail)}`);
    assert.equal(await openAiContent(out), REDACTED);
  });
});

describe("an Anthropic stream is read as the Anthropic SDK reads it", () => {
  const event = (type: string, data: Record<string, unknown>, eol = "\n", bom = "") =>
    `${bom}event: ${type}${eol}${bom}data: ${JSON.stringify({ type, ...data })}${eol}${eol}`;
  const stream = (eol: string, bom: string) =>
    [
      event("message_start", {
        message: { id: "m", type: "message", role: "assistant", model: "x", content: [], usage: {} },
      }),
      event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text: HEAD } }, eol, bom),
      // A line of only a BOM is a blank line: the event ends there for the SDK.
      `event: content_block_delta${eol}data: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: TAIL } })}${eol}${bom}${eol}`,
      event("content_block_stop", { index: 0 }, eol, bom),
      event("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } }),
      event("message_stop", {}),
    ].join("");

  for (const eol of ["\n", "\r\n", "\r"]) {
    it(`inspects data lines that start with a BOM (${JSON.stringify(eol)} line ends)`, async () => {
      const out = redactAtEveryCut(anthropicEventCodec, stream(eol, BOM));
      const { events, message, error } = await readAsAnthropicSdk(out);
      assert.equal(error, undefined);
      assertNoneLeaks([...events, message], [EMAIL], "anthropic");
      const content = (message as { content: { text: string }[] }).content;
      assert.equal(content[0]?.text, REDACTED);
    });
  }
});

function geminiChunk(text: string, finish?: string): string {
  return JSON.stringify({
    candidates: [
      {
        content: { role: "model", parts: [{ text }] },
        index: 0,
        ...(finish ? { finishReason: finish } : {}),
      },
    ],
    modelVersion: "gemini-2.5-flash",
  });
}

async function geminiText(body: Buffer): Promise<{ text: string; error: unknown }> {
  const { chunks, error } = await readAsGeminiSdk(body);
  assertNoneLeaks(chunks, [EMAIL], "gemini");
  const text = (chunks as { text?: string }[]).map((chunk) => chunk.text ?? "").join("");
  return { text, error };
}

describe("a Gemini stream is read as @google/genai reads it, and written in one canonical form", () => {
  const last = `data: ${geminiChunk(TAIL, "STOP")}\r\n\r\n`;

  it("passes events already in canonical form byte for byte", () => {
    const stream = `data: ${geminiChunk("hello ")}\r\n\r\n: keep-alive\n\ndata: ${geminiChunk("world", "STOP")}\n\n`;
    assert.equal(redactAtEveryCut(geminiChunkCodec, stream).toString(), stream);
  });

  const oddly: [string, string][] = [
    ["a BOM before data:", `${BOM}data: ${geminiChunk(HEAD)}\n\n`],
    ["spaces before data:", `  data: ${geminiChunk(HEAD)}\n\n`],
    [
      "any JavaScript white space around the event",
      `\u00a0\u2028\t data:\u3000${geminiChunk(HEAD)}\u00a0\r\r`,
    ],
    [
      "the JSON going on in a line with no data: field",
      `data: {"modelVersion":"v",\n"candidates":${JSON.stringify(JSON.parse(geminiChunk(HEAD)).candidates)}}\n\n`,
    ],
    [
      "LF then CRLF inside the event, no end for the SDK",
      `data: {"modelVersion":"v",\n\r\n"candidates":${JSON.stringify(JSON.parse(geminiChunk(HEAD)).candidates)}}\n\n`,
    ],
    [
      "a CRLF then CR inside the event",
      `data: {"modelVersion":"v",\r\n\r"candidates":${JSON.stringify(JSON.parse(geminiChunk(HEAD)).candidates)}}\r\r`,
    ],
  ];
  for (const [what, first] of oddly) {
    it(`inspects what the SDK parses with ${what}, and sends it as data: <json>`, async () => {
      const out = redactAtEveryCut(geminiChunkCodec, `${first}${last}`);
      const text = out.toString();
      assert.ok(!text.includes("alice.smith"), "not even half the address is sent");
      assert.ok(text.startsWith('data: {"'), text);
      assert.deepEqual(
        text
          .split(/\n\n|\r\n\r\n/)
          .filter((event) => event !== "")
          .map((event) => event.slice(0, 6)),
        ["data: ", "data: "],
      );
      assert.deepEqual(await geminiText(out), { text: REDACTED, error: undefined });
    });
  }

  it("drops an event the SDK ignores but another reader would take data from", async () => {
    const stream = `event: message\ndata: ${geminiChunk(`to ${EMAIL}`)}\n\ndata: ${geminiChunk("ok", "STOP")}\n\n`;
    const out = redactAtEveryCut(geminiChunkCodec, stream);
    assert.equal(out.toString(), `data: ${geminiChunk("ok", "STOP")}\n\n`);
  });

  it("ends the stream with an error the SDK raises when an event's data is not JSON, and sends nothing after", async () => {
    const stream = `data: ${geminiChunk("hello")}\n\ndata: {"candidates": [oops\n\ndata: ${geminiChunk(`to ${EMAIL}`, "STOP")}\n\n`;
    const out = redactAtEveryCut(geminiChunkCodec, stream);
    assert.ok(!out.toString().includes(EMAIL));
    const { text, error } = await geminiText(out);
    assert.equal(text, "hello");
    assert.match(String(error), /ApiError.*could not be inspected: a stream event's data is not JSON/);
    assert.equal((error as { status?: number }).status, 502);
  });

  it("fails closed on a stream that ends inside an event the SDK could not read, as the SDK would", async () => {
    const body = Buffer.from(
      `data: ${geminiChunk("hello ")}\n\ndata: {"candidates":[{"content":{"parts":[{"text":"to ${EMAIL}`,
    );
    for (let cut = 1; cut < body.length; cut++) {
      const out = redactBytes(geminiChunkCodec, body, [cut]);
      assert.ok(!out.toString().includes(EMAIL), `cut at ${cut}`);
    }
    const { text, error } = await geminiText(redactBytes(geminiChunkCodec, body));
    assert.equal(text, "hello ");
    assert.match(String(error), /the stream ended inside an event/);
  });

  it("reads a last event whose delimiter never came, as any other", async () => {
    const out = redactAtEveryCut(
      geminiChunkCodec,
      ` data: ${geminiChunk(HEAD)}\n\ndata: ${geminiChunk(TAIL, "STOP")}`,
    );
    assert.deepEqual(await geminiText(out), { text: REDACTED, error: undefined });
  });
});

describe("the line reader the openai and Anthropic codecs share", () => {
  it("drops one BOM that starts a line, no more, and keeps the other lines without it", () => {
    const event = parseSseEvent(`${BOM}event: x\r\n${BOM}data: 1\n${BOM}${BOM}data: 2\ndata: 3\r${BOM}\r`);
    assert.deepEqual(event, { otherLines: ["event: x", `${BOM}data: 2`], dataPosition: 1, data: "1\n3" });
  });

  it("cuts events at a line of only a BOM, whatever the line ends", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const splitter = new SseEventSplitter();
      const bytes = Buffer.from(`data: 1${eol}${BOM}${eol}data: 2${eol}${BOM}x${eol}${eol}data: 3`);
      const events = [...bytes].flatMap((_, i) => splitter.push(bytes.subarray(i, i + 1)));
      assert.deepEqual(
        events.map((e) => e.toString()),
        [`data: 1${eol}${BOM}${eol}`, `data: 2${eol}${BOM}x${eol}${eol}`],
      );
      assert.equal(splitter.takePending().toString(), "data: 3");
    }
  });
});
