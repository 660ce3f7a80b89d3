import { PassThrough } from "node:stream";
import { BodyBuffer } from "./body-buffer.ts";
import type { HeaderMap } from "./header-map.ts";
import { localReplySource } from "./local-reply.ts";
import type { ResponseSink } from "./response-sink.ts";
import type { ResponseSource } from "./router.ts";

/** How an upstream filter let go of one attempt's response. */
export type SinkOutcome =
  /** Headers passed on; the body follows in `source.body`. */
  | { kind: "headers"; source: ResponseSource }
  /** sendLocalReply: Envoy hands it to the downstream filter manager, past the router's retry logic. */
  | { kind: "local"; source: ResponseSource }
  /** Reset before any headers were passed on. */
  | { kind: "reset" };

/**
 * The receiving end of an upstream ext_proc filter: turns what the filter writes into a
 * ResponseSource for the next filter up (or the router), as Envoy's upstream filter manager
 * passes encoded headers and data on.
 */
export class AttemptSink implements ResponseSink {
  readonly outcome: Promise<SinkOutcome>;
  private settle: (outcome: SinkOutcome) => void = () => {};
  private readonly body = new PassThrough();
  private headers: HeaderMap | undefined;
  private bytes = 0;
  private ended = false;
  private closed = false;

  constructor(
    private readonly bufferLimitBytes: number,
    private readonly requestMethod: string,
    /** Aborts everything below this sink (upstream request, lower filters). */
    private readonly abortBelow: () => void,
  ) {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  get started(): boolean {
    return this.headers !== undefined;
  }

  get gone(): boolean {
    return this.closed || this.ended;
  }

  writeHead(headers: HeaderMap): void {
    if (this.gone || this.started) return;
    this.headers = headers;
    // Settled a microtask later: the filter ends a header-only response right after writeHead,
    // and the next filter must see that as headers with end_of_stream.
    queueMicrotask(() => {
      const noBody = this.ended && this.bytes === 0;
      const body = new BodyBuffer(noBody ? undefined : this.body, this.bufferLimitBytes);
      this.settle({ kind: "headers", source: { headers, noBody, body, abort: this.abortBelow } });
    });
  }

  write(data: Buffer): void {
    if (this.gone || data.length === 0) return;
    this.bytes += data.length;
    this.body.write(data);
  }

  end(data?: Buffer): void {
    if (this.gone) return;
    if (data !== undefined) this.write(data);
    this.ended = true;
    this.body.end();
  }

  reset(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.started) this.body.destroy(new Error("upstream filter reset the stream"));
    else this.settle({ kind: "reset" });
  }

  sendLocal(status: number, body: Buffer | string, headers?: HeaderMap): void {
    if (this.gone) return;
    if (this.started) {
      this.reset();
      return;
    }
    this.ended = true;
    this.settle({ kind: "local", source: localReplySource(status, body, this.requestMethod, headers) });
  }

  /** The attempt was abandoned (per-try timeout, retry, client gone): drop whatever comes later. */
  abandon(): void {
    this.reset();
  }
}
