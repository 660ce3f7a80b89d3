import { createReadStream } from "node:fs";

/** One line of a segment; `end` is the byte offset just past it, where the next line starts. */
export type SegmentLine =
  | { kind: "complete"; bytes: Buffer; end: number }
  /** Longer than the limit: its bytes were discarded as they were read. */
  | { kind: "too-long"; end: number }
  /** The last line of the file, cut off before its newline. */
  | { kind: "torn"; bytes: Buffer; end: number };

const NEWLINE = 0x0a;
const CHUNK_BYTES = 64 * 1024;

/**
 * Reads the lines of a JSON Lines file from byte `start` on. The next chunk is read only when the
 * consumer asks for the next line, so memory stays bounded by one chunk plus one line, and a line
 * that outgrows `maxLineBytes` is dropped while it is read.
 */
export async function* readJsonLines(
  path: string,
  start: number,
  maxLineBytes: number,
): AsyncGenerator<SegmentLine> {
  const partial = new PartialLine(maxLineBytes);
  let position = start;
  const chunks = createReadStream(path, { start, highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>;
  for await (const chunk of chunks) {
    yield* linesEndingIn(chunk, position, partial);
    position += chunk.length;
  }
  const last = partial.atEndOfFile(position);
  if (last) yield last;
}

/** Yields the lines whose newline is in `chunk`, then keeps its unterminated tail in `partial`. */
function* linesEndingIn(chunk: Buffer, chunkStart: number, partial: PartialLine): Generator<SegmentLine> {
  let from = 0;
  for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, from)) {
    yield partial.complete(chunk.subarray(from, i), chunkStart + i + 1);
    from = i + 1;
  }
  if (from < chunk.length) partial.extend(chunk.subarray(from));
}

/** The start of a line whose newline has not been read yet. */
class PartialLine {
  private parts: Buffer[] = [];
  private bytes = 0;
  // Once the line outgrows the limit, the rest of it is dropped as it arrives, up to its newline.
  private tooLong = false;

  constructor(private readonly maxBytes: number) {}

  extend(part: Buffer): void {
    if (this.tooLong) return;
    this.parts.push(part);
    this.bytes += part.length;
    if (this.bytes > this.maxBytes) {
      this.clear();
      this.tooLong = true;
    }
  }

  /** Ends the line with `last`, the bytes before its newline. */
  complete(last: Buffer, end: number): SegmentLine {
    const line: SegmentLine = this.tooLong
      ? { kind: "too-long", end }
      : { kind: "complete", bytes: this.bytes > 0 ? Buffer.concat([...this.parts, last]) : last, end };
    this.clear();
    return line;
  }

  /** The line the file ends with when its newline never came, if there is one. */
  atEndOfFile(end: number): SegmentLine | undefined {
    if (this.tooLong) return { kind: "too-long", end };
    if (this.bytes === 0) return undefined;
    return { kind: "torn", bytes: Buffer.concat(this.parts), end };
  }

  private clear(): void {
    this.parts = [];
    this.bytes = 0;
    this.tooLong = false;
  }
}
