import type { Readable } from "node:stream";

/**
 * Collects a body as it arrives (client request or upstream response) and tells one listener
 * about every change; chunks are taken by whoever forwards them. Once more than `limit` bytes are
 * held (not yet taken), data is dropped and `overLimit` set, as Envoy stops buffering at the connection buffer limit.
 */
export class BodyBuffer {
  private chunks: Buffer[] = [];
  received = 0;
  private held = 0;
  ended = false;
  failed = false;
  overLimit = false;
  private listener: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    source: Readable | undefined,
    private readonly limit: number,
    private readonly expectedLength?: number,
  ) {
    if (source === undefined) {
      this.ended = true;
      this.done = Promise.resolve();
      return;
    }
    this.done = new Promise((resolve) => {
      source.on("data", (chunk: Buffer) => {
        this.received += chunk.length;
        this.held += chunk.length;
        if (this.held > this.limit) this.overLimit = true;
        if (!this.overLimit) this.chunks.push(chunk);
        if (this.expectedLength !== undefined && this.received >= this.expectedLength) this.ended = true;
        this.notify();
      });
      source.on("end", () => {
        this.ended = true;
        resolve();
        this.notify();
      });
      source.on("error", () => {
        this.failed = true;
        resolve();
        this.notify();
      });
      source.on("close", () => {
        if (!this.ended) this.failed = true;
        resolve();
        this.notify();
      });
    });
  }

  static fixed(body: Buffer): BodyBuffer {
    const buffer = new BodyBuffer(undefined, Number.POSITIVE_INFINITY);
    if (body.length > 0) buffer.chunks.push(body);
    buffer.received = body.length;
    return buffer;
  }

  onChange(listener: () => void): void {
    this.listener = listener;
  }

  private notify(): void {
    this.listener?.();
  }

  /** Resolves when the source has ended or failed. */
  complete(): Promise<void> {
    return this.done;
  }

  take(): Buffer {
    const data = Buffer.concat(this.chunks);
    this.chunks = [];
    this.held = 0;
    return data;
  }

  hasData(): boolean {
    return this.chunks.length > 0;
  }
}
