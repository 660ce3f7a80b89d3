const LF = 0x0a;
const CR = 0x0d;

/**
 * Cuts a `text/event-stream` body that arrives in arbitrary byte chunks into whole events: the
 * raw bytes of each event up to and including the blank line that ends it. Works on bytes, so a
 * UTF-8 character split between chunks is simply carried over (no line break byte occurs inside
 * a multi-byte character) and an event can be passed on byte-identical.
 *
 * Lines end with LF, CRLF or a lone CR. A CR that is the last byte received is not decided yet
 * (an LF may follow in the next chunk), so the line it ends is only complete once more bytes arrive.
 * A line of only a UTF-8 BOM is blank: the openai and Anthropic SDKs drop a BOM that starts a line
 * (see parseSseEvent), so for them it ends the event, and two events must not reach the gateway as one.
 */
/**
 * A chat chunk event is a few hundred bytes; one that is still unfinished past this size is not a
 * model stream the gateway can redact as it flows, and holding it would let a provider grow the
 * processor's memory without bound.
 */
export const MAX_EVENT_BYTES = 1 << 20;

/**
 * Where events end. `event-stream`: at a blank line, as an EventSource and the openai and
 * Anthropic SDKs read a stream. `gemini-sdk`: at the first `\n\n`, `\r\r` or `\r\n\r\n`, as
 * @google/genai reads one (see gemini-sdk-events.ts), for which `\n\r\n` ends nothing.
 */
export type EventFraming = "event-stream" | "gemini-sdk";

export class SseEventSplitter {
  constructor(
    private readonly maxEventBytes = MAX_EVENT_BYTES,
    private readonly framing: EventFraming = "event-stream",
  ) {}

  /**
   * The unfinished event is `held[0..length)`. It grows by doubling, never by concatenating per
   * chunk: an event trickling in a few bytes at a time would otherwise be copied whole at every
   * chunk, quadratic up to the bound. Events handed out are views of it (or of the caller's chunk),
   * so once one is handed out that memory is never written again: the next append copies the rest.
   */
  private held: Buffer = Buffer.alloc(0);
  private length = 0;
  /** Offset in the held bytes where the current (unfinished) line starts. */
  private lineStart = 0;
  /** Offset in the held bytes up to which line breaks have been examined. */
  private scanned = 0;

  /** Whole events completed by this chunk, in order. */
  push(chunk: Buffer): Buffer[] {
    let data = chunk;
    if (this.length > 0) {
      this.append(chunk);
      data = this.held.subarray(0, this.length);
    }
    const events: Buffer[] = [];
    let eventStart = 0;
    let i = this.scanned;
    while (i < data.length) {
      const byte = data[i] as number;
      if (byte !== LF && byte !== CR) {
        i++;
        continue;
      }
      if (this.framing === "gemini-sdk") {
        const end = delimiterEnd(data, i);
        if (end === NOT_YET) break;
        if (end === NONE) i++;
        else {
          events.push(data.subarray(eventStart, end));
          eventStart = end;
          i = end;
        }
        continue;
      }
      if (byte === CR && i + 1 === data.length) break;
      const breakEnd = byte === CR && data[i + 1] === LF ? i + 2 : i + 1;
      const emptyLine = i === this.lineStart || isBomLine(data, this.lineStart, i);
      this.lineStart = breakEnd;
      i = breakEnd;
      if (emptyLine) {
        events.push(data.subarray(eventStart, breakEnd));
        eventStart = breakEnd;
      }
    }
    this.scanned = i - eventStart;
    this.lineStart -= eventStart;
    if (eventStart > 0 || data === chunk) {
      // What is left is a view sized to its content: the next append copies it out.
      this.held = data.subarray(eventStart);
    }
    this.length = data.length - eventStart;
    if (this.length > this.maxEventBytes) {
      // Thrown, not passed on: the stream loop answers it as a processor failure, so Envoy ends
      // the stream instead of letting uninspected bytes through (fail closed).
      throw new Error(`an event-stream event grew past ${this.maxEventBytes} bytes without ending`);
    }
    return events;
  }

  /** The bytes of an unfinished event (the stream ended without its blank line), then empty. */
  takePending(): Buffer {
    const rest = this.held.subarray(0, this.length);
    this.held = Buffer.alloc(0);
    this.length = 0;
    this.lineStart = 0;
    this.scanned = 0;
    return rest;
  }

  private append(chunk: Buffer): void {
    const needed = this.length + chunk.length;
    if (needed > this.held.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.held.length * 2));
      this.held.copy(grown, 0, 0, this.length);
      this.held = grown;
    }
    chunk.copy(this.held, this.length);
    this.length = needed;
  }
}

/** `data[start..end)` is exactly EF BB BF, a U+FEFF. */
function isBomLine(data: Buffer, start: number, end: number): boolean {
  return end - start === 3 && data[start] === 0xef && data[start + 1] === 0xbb && data[start + 2] === 0xbf;
}

const NONE = -1;
const NOT_YET = -2;

/**
 * gemini-sdk framing: where the delimiter that starts at `i` ends; NONE when none starts there,
 * NOT_YET when the bytes received cannot tell (`\r\n\r` may become `\r\n\r\n`). Taking the
 * earliest start is what the SDK's indexOf of each delimiter amounts to, however the bytes were
 * chunked: a delimiter that starts earlier never completes later than one that starts after it.
 */
function delimiterEnd(data: Buffer, i: number): number {
  const byte = data[i];
  if (i + 1 >= data.length) return NOT_YET;
  const next = data[i + 1];
  if (byte === LF) return next === LF ? i + 2 : NONE;
  if (next === CR) return i + 2;
  if (next !== LF) return NONE;
  if (i + 2 >= data.length) return NOT_YET;
  if (data[i + 2] !== CR) return NONE;
  if (i + 3 >= data.length) return NOT_YET;
  return data[i + 3] === LF ? i + 4 : NONE;
}
