import type { HeaderMap } from "./header-map.ts";

/**
 * Where an ext_proc filter sends the response it lets through: the client (downstream filter) or
 * the router (an upstream filter, see attempt-sink.ts). Mirrors the encoder callbacks it uses.
 */
export interface ResponseSink {
  /** Response headers have been passed on. */
  readonly started: boolean;
  /** Nothing more can be passed on (ended, reset, or the receiver went away). */
  readonly gone: boolean;
  writeHead(headers: HeaderMap): void;
  write(data: Buffer): void;
  end(data?: Buffer): void;
  /** Resets the stream (mid-response failures). */
  reset(): void;
  /** Envoy's sendLocalReply; resets instead once the response started. */
  sendLocal(status: number, body: Buffer | string, headers?: HeaderMap): void;
}
