import type { JsonObject } from "../../json-object.ts";
import { ChoiceTextStreams, type TextStreamKind } from "./choice-text-streams.ts";
import { parseSseEvent, parseSseJson, type SseEvent, serializeSseEvent } from "./sse-event.ts";
import { SseEventSplitter } from "./sse-event-splitter.ts";
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
 * Output is whole events only, so every Buffer returned is valid UTF-8 when the upstream's events
 * are, whatever the upstream's chunking. Events whose text is unchanged are passed on
 * byte-identical; rewritten ones are `data: <JSON>` with LF line breaks and their other lines
 * (comments, `event:`, `id:`, `retry:`) kept.
 *
 * Order: every event keeps its place; what moves is only text a redactor holds, which reaches the
 * client in a later event of the same choice and the same stream (content, refusal, text, one
 * tool call's arguments, one content block), never before text that preceded it. Events without
 * data (comments, keep-alives) and events the codec marks as carrying no text pass at once. Any
 * other data event that carries no text (`[DONE]`, an error object, non-JSON) may be the last
 * thing the client reads, so all held text is flushed in synthetic events placed before it. A
 * text that ends (a choice's `finish_reason`, a content block's stop) is flushed where the codec
 * says.
 */
export class SseAnswerRedactor {
  private readonly splitter = new SseEventSplitter();
  private readonly streams: ChoiceTextStreams;
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
  }

  /** Bytes to send to the client for this upstream chunk (possibly empty). */
  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    for (const raw of this.splitter.push(chunk)) this.handleEvent(raw, out);
    return Buffer.concat(out);
  }

  /** At end of stream: everything still held, as valid SSE. */
  end(): Buffer {
    const out: Buffer[] = [];
    const pending = this.splitter.takePending();
    if (pending.length > 0) this.handleCutEvent(pending, out);
    this.flushAll(out);
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
    const event = parseSseEvent(raw.toString("utf8"));
    this.handleParsed(raw, event, event.data === undefined ? undefined : parseSseJson(event.data), out);
  }

  private handleParsed(raw: Buffer, event: SseEvent, data: unknown, out: Buffer[]): void {
    this.events++;
    if (event.data !== undefined) this.onData(data);
    const role = event.data === undefined ? undefined : this.codec.read(data);
    if (role?.kind === "text") {
      const { changed, before } = this.codec.redact(role.chunk, this.streams);
      if (before !== "") out.push(Buffer.from(before));
      this.lastChunk = role.chunk;
      if (changed) {
        this.rewritten++;
        out.push(Buffer.from(serializeSseEvent(event, JSON.stringify(role.chunk))));
        return;
      }
    } else if (role?.kind === "other") this.flushAll(out);
    this.passedThrough++;
    out.push(raw);
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
      const terminated = text.endsWith("\n") || text.endsWith("\r") ? `${text}\n` : `${text}\n\n`;
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
