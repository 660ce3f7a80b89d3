import type { JsonObject } from "../../json-object.ts";
import { ChoiceTextStreams, type TextStreamKind } from "./choice-text-streams.ts";
import { readGeminiSdkEvent } from "./gemini-sdk-events.ts";
import { parseSseEvent, parseSseJson, type SseEvent, serializeSseEvent } from "./sse-event.ts";
import { MAX_EVENT_BYTES, SseEventSplitter } from "./sse-event-splitter.ts";
import type { SseTextCodec } from "./sse-text-codec.ts";
import type { StreamTextRedactor } from "./stream-text-redactor.ts";

export interface SseAnswerStats {
  /** Upstream events seen (a partial one at the end included). */
  events: number;
  /** Upstream events sent with their text rewritten. */
  rewritten: number;
  /** Upstream events sent byte-identical. */
  passedThrough: number;
  matches: Map<string, number>;
  restored: number;
}

/**
 * Redacts a model's `text/event-stream` answer arriving as arbitrary byte chunks, in the API the
 * caller speaks: `codec` says where that API writes text (OpenAI chunks, Anthropic message events,
 * Gemini candidates; see sse-text-codec.ts).
 *
 * Events are cut and read as the caller's SDK does (the codec's `framing`), so the data inspected
 * is the data the SDK parses. Output is whole events only, so every Buffer returned is valid UTF-8
 * when the upstream's events are, whatever the upstream's chunking. `event-stream` framing:
 * events whose text is unchanged are passed on byte-identical; rewritten ones are `data: <JSON>`
 * with LF line breaks and their other lines (comments, `event:`, `id:`, `retry:`) kept.
 * `gemini-sdk` framing: every event the SDK reads goes out as `data: <JSON>` and a blank line
 * (byte-identical when it already was that and nothing changed), events it ignores are dropped
 * unless they are only comments, and one whose data is not JSON ends the stream with the codec's
 * error event, after which nothing more is sent (fail closed: the SDK raises it).
 *
 * Order: every event keeps its place; what moves is only text a redactor holds, which reaches the
 * client in a later event of the same choice and the same text (one member of a choice: its
 * content, refusal, reasoning, one tool call's arguments, …; one text of a content block; a
 * candidate's text or its thoughts), never before text that preceded it. Events without
 * data (comments, keep-alives) and events the codec marks as carrying no text pass at once. Any
 * other data event that carries no text (`[DONE]`, an error object, non-JSON) may be the last
 * thing the client reads, so all held text is flushed in synthetic events placed before it. A
 * text that ends (a choice's `finish_reason`, a content block's stop) is flushed where the codec
 * says.
 */
export class SseAnswerRedactor {
  private readonly splitter: SseEventSplitter;
  private readonly streams: ChoiceTextStreams;
  /** The stream was ended with an error event: nothing more reaches the client. */
  private failed = false;
  private lastChunk: JsonObject | undefined;
  private events = 0;
  private rewritten = 0;
  private passedThrough = 0;

  /**
   * `makeRedactor` gets the stream kind so tool-call arguments (JSON text) can be treated apart.
   * `onData` sees each event's data as parsed here (undefined when not JSON), so a reader of the
   * same stream (token usage) needs no parse of its own. It is called before the codec rewrites
   * the value in place: read it then, do not keep it.
   */
  constructor(
    private readonly codec: SseTextCodec,
    makeRedactor: (kind: TextStreamKind) => StreamTextRedactor,
    private readonly onData: (data: unknown) => void = () => {},
  ) {
    this.streams = new ChoiceTextStreams(makeRedactor);
    this.splitter = new SseEventSplitter(MAX_EVENT_BYTES, codec.framing);
  }

  /** Bytes to send to the client for this upstream chunk (possibly empty). */
  push(chunk: Buffer): Buffer {
    if (this.failed) return EMPTY;
    const out: Buffer[] = [];
    for (const raw of this.splitter.push(chunk)) {
      if (this.failed) break;
      this.handleEvent(raw, out);
    }
    return Buffer.concat(out);
  }

  /** At end of stream: everything still held, as valid SSE. */
  end(): Buffer {
    if (this.failed) return EMPTY;
    const out: Buffer[] = [];
    const pending = this.splitter.takePending();
    if (pending.length > 0) {
      if (this.codec.framing === "gemini-sdk") this.handleCutSdkEvent(pending, out);
      else this.handleCutEvent(pending, out);
    }
    if (!this.failed) this.flushAll(out);
    return Buffer.concat(out);
  }

  stats(): SseAnswerStats {
    const { matches, restored } = this.streams.totals();
    return {
      events: this.events,
      rewritten: this.rewritten,
      passedThrough: this.passedThrough,
      matches,
      restored,
    };
  }

  private handleEvent(raw: Buffer, out: Buffer[]): void {
    if (this.codec.framing === "gemini-sdk") {
      this.handleSdkEvent(raw, raw.toString("utf8"), out);
      return;
    }
    const event = parseSseEvent(raw.toString("utf8"));
    this.handleParsed(raw, event, event.data === undefined ? undefined : parseSseJson(event.data), out);
  }

  /**
   * `mayPass`: the raw event reads the same to every client, so it may go out as it came when its
   * text did not change; otherwise it is written again.
   */
  private handleParsed(raw: Buffer, event: SseEvent, data: unknown, out: Buffer[], mayPass = true): void {
    this.events++;
    if (event.data !== undefined) this.onData(data);
    const role = event.data === undefined ? undefined : this.codec.read(data);
    let changed = false;
    if (role?.kind === "text") {
      const redacted = this.codec.redact(role.chunk, this.streams);
      if (redacted.before !== "") out.push(Buffer.from(redacted.before));
      this.lastChunk = role.chunk;
      changed = redacted.changed;
    } else if (role?.kind === "other") this.flushAll(out);
    if (changed || !mayPass) {
      this.rewritten++;
      // The codec rewrote the parsed data in place (role.chunk is `data`).
      out.push(Buffer.from(serializeSseEvent(event, JSON.stringify(data))));
      return;
    }
    this.passedThrough++;
    out.push(raw);
  }

  /** `gemini-sdk` framing: one event, read as @google/genai reads it (gemini-sdk-events.ts). */
  private handleSdkEvent(raw: Buffer, text: string, out: Buffer[]): void {
    const read = readGeminiSdkEvent(text);
    if (read.payload === undefined) {
      // The SDK ignores it. Comments (keep-alives) pass; anything else another client might read
      // (`event: x` then a data line, say) is dropped rather than passed uninspected.
      this.events++;
      if (read.comment) {
        this.passedThrough++;
        out.push(raw);
      } else this.rewritten++;
      return;
    }
    const data = parseSseJson(read.payload);
    if (data === undefined) {
      this.events++;
      this.onData(undefined);
      this.fail("a stream event's data is not JSON", out);
      return;
    }
    const event: SseEvent = { otherLines: [], dataPosition: 0, data: read.payload };
    this.handleParsed(raw, event, data, out, read.canonical);
  }

  /**
   * Ends the stream for the client: held text (already inspected) first, then the codec's error
   * event, which the SDK raises; every later byte of the upstream is dropped.
   */
  private fail(why: string, out: Buffer[]): void {
    this.flushAll(out);
    const error = this.codec.unreadable?.(why) ?? {
      error: { message: `the provider's answer could not be inspected: ${why}`, code: 502 },
    };
    // Read as the stream's last event: the audit records an answer that ended in an error.
    this.onData(error);
    this.rewritten++;
    out.push(Buffer.from(`data: ${JSON.stringify(error)}\n\n`));
    this.failed = true;
  }

  /**
   * `gemini-sdk` framing, the stream ended inside an event. Only white space: nothing. Data that
   * reads as JSON: handled like any event (and terminated). Anything else the SDK would raise
   * ("Incomplete JSON segment at the end"): the stream ends with the error event.
   */
  private handleCutSdkEvent(pending: Buffer, out: Buffer[]): void {
    const text = wholeCharacters(pending);
    if (text.trim() === "") return;
    const read = readGeminiSdkEvent(text);
    const data = read.payload === undefined ? undefined : parseSseJson(read.payload);
    if (read.payload === undefined || data === undefined) {
      this.events++;
      this.fail("the stream ended inside an event", out);
      return;
    }
    const event: SseEvent = { otherLines: [], dataPosition: 0, data: read.payload };
    this.handleParsed(Buffer.from(text), event, data, out, false);
  }

  /**
   * The stream ended inside an event. An event whose data is complete (only its blank line is
   * missing) is handled like any other and terminated. Otherwise its bytes are sent as plain text
   * through a redactor (so a value in a half-written JSON string is still caught) and its last line
   * is terminated but the event is not: an EventSource client, the OpenAI SDK included, drops an
   * event left without its blank line at the end of the stream instead of failing on broken JSON.
   */
  private handleCutEvent(pending: Buffer, out: Buffer[]): void {
    const text = wholeCharacters(pending);
    const event = parseSseEvent(text);
    const data = event.data === undefined ? undefined : parseSseJson(event.data);
    if (event.data !== undefined && (event.data === "[DONE]" || data !== undefined)) {
      // One more line break makes the blank line; after a lone CR an LF would only complete a CRLF.
      const terminated = text.endsWith("\n") ? `${text}\n` : `${text}\n\n`;
      this.handleParsed(Buffer.from(terminated), event, data, out);
      return;
    }
    this.events++;
    this.flushAll(out);
    const redacted = this.streams.redactWhole("content", text);
    if (redacted === text) this.passedThrough++;
    else this.rewritten++;
    const terminated = redacted.endsWith("\n") || redacted.endsWith("\r") ? redacted : `${redacted}\n`;
    out.push(Buffer.from(terminated));
  }

  private flushAll(out: Buffer[]): void {
    const flushed = this.streams.flush();
    if (flushed.length > 0) out.push(Buffer.from(this.codec.flushed(this.lastChunk, flushed)));
  }
}

const EMPTY = Buffer.alloc(0);

/** Decodes UTF-8, leaving out a character the cut left incomplete at the very end. */
function wholeCharacters(bytes: Buffer): string {
  let end = bytes.length;
  // Back up over continuation bytes to the lead byte of the last character, at most 3.
  let lead = end - 1;
  while (lead > 0 && end - lead < 4 && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
  const first = bytes[lead] as number;
  const need = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  if (end - lead < need) end = lead;
  return bytes.subarray(0, end).toString("utf8");
}
