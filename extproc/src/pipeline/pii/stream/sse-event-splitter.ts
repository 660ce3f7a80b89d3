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
 */
/**
 * A chat chunk event is a few hundred bytes; one that is still unfinished past this size is not a
 * model stream the gateway can redact as it flows, and holding it would let a provider grow the
 * processor's memory without bound.
 */
export const MAX_EVENT_BYTES = 1 << 20;

export class SseEventSplitter {
  constructor(private readonly maxEventBytes = MAX_EVENT_BYTES) {}

  private pending: Buffer = Buffer.alloc(0);
  /** Offset in `pending` where the current (unfinished) line starts. */
  private lineStart = 0;
  /** Offset in `pending` up to which line breaks have been examined. */
  private scanned = 0;

  /** Whole events completed by this chunk, in order. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const events: Buffer[] = [];
    let eventStart = 0;
    let i = this.scanned;
    while (i < this.pending.length) {
      const byte = this.pending[i] as number;
      if (byte !== LF && byte !== CR) {
        i++;
        continue;
      }
      if (byte === CR && i + 1 === this.pending.length) break;
      const breakEnd = byte === CR && this.pending[i + 1] === LF ? i + 2 : i + 1;
      const emptyLine = i === this.lineStart;
      this.lineStart = breakEnd;
      i = breakEnd;
      if (emptyLine) {
        events.push(this.pending.subarray(eventStart, breakEnd));
        eventStart = breakEnd;
      }
    }
    this.scanned = i - eventStart;
    this.lineStart -= eventStart;
    this.pending = this.pending.subarray(eventStart);
    if (this.pending.length > this.maxEventBytes) {
      // Thrown, not passed on: the stream loop answers it as a processor failure, so Envoy ends
      // the stream instead of letting uninspected bytes through (fail closed).
      throw new Error(`an event-stream event grew past ${this.maxEventBytes} bytes without ending`);
    }
    return events;
  }

  /** The bytes of an unfinished event (the stream ended without its blank line), then empty. */
  takePending(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    this.lineStart = 0;
    this.scanned = 0;
    return rest;
  }
}
