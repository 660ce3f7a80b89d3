/**
 * The protocol layer's view of one HTTP exchange, in plain data. A `StreamProcessor` (the gateway
 * pipeline) implements these callbacks; the ext_proc stream loop turns its answers into Envoy
 * messages. Nothing here knows about gRPC or about LLMs.
 */

/** Header names are lower-case; values are the raw bytes read as latin1, so they round-trip exactly. */
export interface HeaderEntry {
  readonly name: string;
  readonly value: string;
}
export type HeaderList = readonly HeaderEntry[];

export interface HeaderChanges {
  /** Removed first, as Envoy applies remove_headers before set_headers. */
  readonly remove?: readonly string[];
  /** Each overwrites any existing value. */
  readonly set?: readonly HeaderEntry[];
}

export type BodyMode = "buffered" | "streamed";

/** Let the exchange go on, possibly changed. */
export interface ContinueAction {
  readonly kind: "continue";
  readonly headers?: HeaderChanges;
  /** Replaces the body. The processor must also set a matching content-length where one applies. */
  readonly body?: Buffer;
  /** Re-select Envoy's route after the header change (request path only). */
  readonly clearRouteCache?: boolean;
  /** From a response-headers answer: how the response body is sent to the processor. */
  readonly responseBodyMode?: BodyMode;
}

/** Stop the exchange and answer the client directly. */
export interface RespondAction {
  readonly kind: "respond";
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Buffer;
  /** Short reason recorded by Envoy as the response-code details. */
  readonly details: string;
}

export type ExchangeAction = ContinueAction | RespondAction;

export type StreamEndReason =
  | "completed" // every phase Envoy sends was answered
  | "responded" // we answered the client ourselves
  | "cancelled" // Envoy (or the client) went away first
  | "failed"; // the processor hit an internal error and answered 500

export interface StreamProcessor {
  onRequestHeaders(headers: HeaderList, endOfStream: boolean): Promise<ExchangeAction>;
  onRequestBody(body: Buffer, endOfStream: boolean): Promise<ExchangeAction>;
  onResponseHeaders(headers: HeaderList, endOfStream: boolean): Promise<ExchangeAction>;
  onResponseBody(chunk: Buffer, endOfStream: boolean): Promise<ExchangeAction>;
  /** Called exactly once, whatever happened; must not throw. */
  onStreamEnd(reason: StreamEndReason): void;
}

/** Answers the protocol layer needs when it must refuse before or outside a processor. */
export interface LocalReplies {
  overloaded(): RespondAction;
  internalError(): RespondAction;
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const header of headers) {
    if (header.name === name) return header.value;
  }
  return undefined;
}

/**
 * Every line of a header, combined as HTTP allows (RFC 9110 5.3: in order, joined by commas), so a
 * header sent twice reads the way a provider that combines it would read it, never as its first line.
 */
export function combinedHeaderValue(headers: HeaderList, name: string): string | undefined {
  let combined: string | undefined;
  for (const header of headers) {
    if (header.name === name)
      combined = combined === undefined ? header.value : `${combined}, ${header.value}`;
  }
  return combined;
}
