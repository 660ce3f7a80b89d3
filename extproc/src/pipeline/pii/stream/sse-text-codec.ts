import type { JsonObject } from "../../json-object.ts";
import type { ChoiceTextStreams, FlushedChoice } from "./choice-text-streams.ts";
import type { EventFraming } from "./sse-event-splitter.ts";

/**
 * How one API writes model text into a `text/event-stream` answer, for the one SSE redactor
 * (sse-answer-redactor.ts) that serves them all: OpenAI chunks, Anthropic's message events and
 * Gemini's GenerateContentResponse chunks. A codec knows where the text pieces sit, which event
 * ends a text, and how to carry text that was held back; the redactor does the rest (cutting
 * events, holding back, flushing, keeping every other byte).
 */
export type SseEventRole =
  /** An event carrying model text (or ending some): the codec rewrites it. */
  | { readonly kind: "text"; readonly chunk: JsonObject }
  /** An event that carries no text and ends none (Anthropic's ping): it passes as is. */
  | { readonly kind: "pass" }
  /** Anything else may be the last thing the client reads: held text is flushed before it. */
  | { readonly kind: "other" };

export interface SseTextCodec {
  /**
   * True when the `arguments` texts this codec passes are JSON text in pieces (OpenAI's
   * `arguments` deltas, Anthropic's `partial_json`); false when they are decoded string values
   * (Gemini's `args` object, walked string by string and serialised again).
   */
  readonly argumentsAreJsonText: boolean;
  /**
   * How the caller's SDK cuts the stream into events and reads each (sse-event-splitter.ts).
   * `event-stream`: as an EventSource, which is how the openai and Anthropic SDKs read; events
   * pass byte-identical unless their text changed. `gemini-sdk`: as @google/genai, which reads
   * what no EventSource would (gemini-sdk-events.ts); every event goes out in one canonical form,
   * `data: <json>` and a blank line, and one the gateway cannot read as JSON ends the stream with
   * `unreadable`.
   */
  readonly framing: EventFraming;
  /** The error event (its data) that ends a stream the gateway cannot read, in the shape the SDK raises. */
  unreadable?(why: string): JsonObject;
  /** `data` is the event's data parsed as JSON, undefined when it is not JSON. */
  read(data: unknown): SseEventRole;
  /**
   * Passes the chunk's text pieces through `streams`, writing back in place what they release;
   * texts that end with this chunk are flushed, into the chunk itself or into `before`: events
   * (serialised) to send ahead of it.
   */
  redact(
    chunk: JsonObject,
    streams: ChoiceTextStreams,
  ): { readonly changed: boolean; readonly before: string };
  /** Events (serialised) carrying text flushed outside any text event, shaped after the last chunk. */
  flushed(template: JsonObject | undefined, flushed: readonly FlushedChoice[]): string;
}

export const PASS: SseEventRole = { kind: "pass" };
export const OTHER: SseEventRole = { kind: "other" };
