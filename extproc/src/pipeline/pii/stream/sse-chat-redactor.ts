import {
  type CompletionChunk,
  flushedTextChunk,
  isCompletionChunk,
  redactChunkText,
} from "./chat-chunk-text.ts";
import { ChoiceTextStreams, type TextStreamKind } from "./choice-text-streams.ts";
import { parseSseEvent, serializeSseEvent } from "./sse-event.ts";
import { SseEventSplitter } from "./sse-event-splitter.ts";
import type { StreamTextRedactor } from "./stream-text-redactor.ts";

export interface SseChatStats {
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
 * Redacts an OpenAI-compatible `text/event-stream` answer (chat completion chunks, legacy
 * completions) arriving as arbitrary byte chunks.
 *
 * Output is whole events only, so every Buffer returned is valid UTF-8 when the upstream's events
 * are, whatever the upstream's chunking. Events whose text is unchanged are passed on
 * byte-identical; rewritten ones are `data: <JSON>` with LF line breaks and their other lines
 * (comments, `event:`, `id:`, `retry:`) kept.
 *
 * Order: every event keeps its place; what moves is only text a redactor holds, which reaches the
 * client in a later event of the same choice and the same stream (content, refusal, text, one
 * tool call's arguments), never before text that preceded it. Events without data (comments,
 * keep-alives) carry no text and pass at once. Any other data event that is not a chunk
 * (`[DONE]`, an error object, non-JSON) may be the last thing the client reads, so all held text
 * is flushed in synthetic chunks placed before it. A choice's text is flushed into the chunk that
 * carries its `finish_reason`.
 */
export class SseChatRedactor {
  private readonly splitter = new SseEventSplitter();
  private readonly streams: ChoiceTextStreams;
  private lastChunk: CompletionChunk | undefined;
  private events = 0;
  private rewritten = 0;
  private passedThrough = 0;

  /** `makeRedactor` gets the stream kind so tool-call arguments (JSON text) can be treated apart. */
  constructor(makeRedactor: (kind: TextStreamKind) => StreamTextRedactor) {
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

  stats(): SseChatStats {
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
    this.events++;
    const event = parseSseEvent(raw.toString("utf8"));
    const chunk = event.data === undefined ? undefined : parseChunk(event.data);
    if (chunk && redactChunkText(chunk, this.streams)) {
      this.lastChunk = chunk;
      this.rewritten++;
      out.push(Buffer.from(serializeSseEvent(event, JSON.stringify(chunk))));
      return;
    }
    if (chunk) this.lastChunk = chunk;
    else if (event.data !== undefined) this.flushAll(out);
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
    if (event.data !== undefined && (event.data === "[DONE]" || isJson(event.data))) {
      this.handleEvent(
        Buffer.from(text.endsWith("\n") || text.endsWith("\r") ? `${text}\n` : `${text}\n\n`),
        out,
      );
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
    for (const flushed of this.streams.flush()) {
      out.push(Buffer.from(`data: ${JSON.stringify(flushedTextChunk(this.lastChunk, flushed))}\n\n`));
    }
  }
}

function parseChunk(data: string): CompletionChunk | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return isCompletionChunk(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isJson(data: string): boolean {
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
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
