import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import { SseEventSplitter } from "../../../pipeline/pii/stream/sse-event-splitter.ts";
import type { StreamTranslator, TokenUsage } from "../../../pipeline/provider-translation.ts";
import { type OpenAiFinishReason, tokenUsage } from "../openai-chat-answer.ts";
import { openAiErrorEvent } from "../openai-error-body.ts";
import { decodeProviderText } from "../provider-json.ts";
import { anthropicOpenAiError } from "./anthropic-error-to-openai.ts";
import { type AnthropicUsage, StreamEvent } from "./anthropic-response-schemas.ts";
import { toFinishReason } from "./anthropic-stop-reason-to-openai.ts";
import { toOpenAiUsage } from "./anthropic-usage-to-openai.ts";
import { type ChunkStamp, chunkFrame, type Delta, DONE_FRAME, usageFrame } from "./openai-chunk-frames.ts";

/**
 * Anthropic's Messages event stream to OpenAI chat.completion.chunk events, as bytes arrive (a
 * chunk may hold half an event or half a UTF-8 character). Text and tool-call deltas pass on at
 * once; the usage chunk and `[DONE]` follow message_stop. An `error` event, a malformed event or a
 * stream that ends before message_stop becomes one OpenAI error event and nothing after it: no
 * `[DONE]`, which would tell a client the answer was complete. Bytes are cut into whole events
 * first, so an event that never ends is refused at the shared event bound (the splitter throws:
 * fail closed) instead of growing inside the parser.
 */

const EVENT_END = Buffer.from("\n\n");

// Event types Anthropic documents; a malformed one is an error, an unknown one is skipped.
const KNOWN_EVENTS = new Set([
  "message_start",
  "content_block_start",
  "content_block_delta",
  "content_block_stop",
  "message_delta",
  "message_stop",
  "ping",
  "error",
]);

export class AnthropicToOpenAiStream implements StreamTranslator {
  readonly #events: SseEventSplitter;
  readonly #parser: EventSourceParser;
  #stamp: ChunkStamp;
  #out = "";
  #state: "open" | "done" | "failed" = "open";
  #failure: string | undefined;
  #started = false;
  #finish: OpenAiFinishReason | undefined;
  #usage: AnthropicUsage | undefined;
  /** Anthropic content block index to OpenAI tool_calls index (which counts tool calls only). */
  readonly #toolIndex = new Map<number, number>();

  constructor(model: string, now: () => number = Date.now, events = new SseEventSplitter()) {
    this.#events = events;
    this.#stamp = { id: "chatcmpl-anthropic", created: Math.floor(now() / 1000), model };
    this.#parser = createParser({ onEvent: (event) => this.#onEvent(event) });
  }

  push(chunk: Buffer): Buffer {
    if (this.#state !== "open") return this.#take();
    for (const event of this.#events.push(chunk)) this.#feed(event);
    return this.#take();
  }

  end(): Buffer {
    if (this.#state === "open") {
      // The blank line dispatches a last event whose separator never came (also one whose lines end
      // in a lone CR, which stays undecided until the next byte); a truncated one then fails.
      this.#feed(Buffer.concat([this.#events.takePending(), EVENT_END]));
    }
    if (this.#state === "open") {
      this.#fail("provider_stream_interrupted", "the anthropic stream ended before the message was complete");
    }
    return this.#take();
  }

  failure(): string | undefined {
    return this.#failure;
  }

  /** What Anthropic reported so far: complete after message_stop, partial after a cut. */
  usage(): TokenUsage | undefined {
    return this.#usage === undefined ? undefined : tokenUsage(toOpenAiUsage(this.#usage));
  }

  /** One whole event's bytes (the splitter cuts them), so no character is split across calls. */
  #feed(event: Buffer): void {
    if (this.#state !== "open") return;
    const text = decodeProviderText(event);
    if (text === undefined) {
      this.#fail("provider_invalid_response", "anthropic sent a stream event that is not UTF-8");
      return;
    }
    this.#parser.feed(text);
  }

  #take(): Buffer {
    const out = Buffer.from(this.#out);
    this.#out = "";
    return out;
  }

  #emit(delta: Delta, finish: OpenAiFinishReason | null = null): void {
    if (!this.#started) {
      this.#started = true;
      this.#out += chunkFrame(this.#stamp, { role: "assistant", content: "" });
    }
    if (Object.keys(delta).length > 0 || finish !== null) this.#out += chunkFrame(this.#stamp, delta, finish);
  }

  #fail(code: string, message: string): void {
    this.#state = "failed";
    const error = anthropicOpenAiError(code, message);
    this.#failure = error.code;
    this.#out += openAiErrorEvent(error);
  }

  #mergeUsage(usage: AnthropicUsage | null | undefined): void {
    if (!usage) return;
    // message_delta counts are cumulative: a field present there replaces the one from message_start.
    const defined = Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== null));
    this.#usage = { ...this.#usage, ...defined };
  }

  #onEvent(message: EventSourceMessage): void {
    if (this.#state !== "open") return;
    let json: unknown;
    try {
      json = JSON.parse(message.data);
    } catch {
      this.#fail("provider_invalid_response", "anthropic sent a stream event that is not JSON");
      return;
    }
    const parsed = StreamEvent.safeParse(json);
    if (parsed.success) {
      this.#apply(parsed.data);
      return;
    }
    const type = message.event ?? (json as { type?: unknown } | null)?.type;
    if (typeof type === "string" && KNOWN_EVENTS.has(type)) {
      this.#fail("provider_invalid_response", `anthropic sent a malformed ${type} event`);
    }
  }

  #apply(event: StreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.#stamp = { ...this.#stamp, id: `chatcmpl-${event.message.id}` };
        this.#mergeUsage(event.message.usage);
        this.#emit({});
        return;
      case "content_block_start":
        this.#startBlock(event.index, event.content_block);
        return;
      case "content_block_delta":
        this.#delta(event.index, event.delta);
        return;
      case "message_delta":
        this.#mergeUsage(event.usage);
        if (event.delta.stop_reason !== undefined && event.delta.stop_reason !== null) {
          this.#finish = toFinishReason(event.delta.stop_reason);
          this.#emit({}, this.#finish);
        }
        return;
      case "message_stop":
        this.#stop();
        return;
      case "error":
        this.#fail(event.error.type, event.error.message);
        return;
      default:
        // ping and content_block_stop carry nothing an OpenAI client needs.
        return;
    }
  }

  #startBlock(index: number, block: { type: string; id?: string; name?: string; text?: string }): void {
    if (block.type === "tool_use" && block.id !== undefined && block.name !== undefined) {
      const toolIndex = this.#toolIndex.size;
      this.#toolIndex.set(index, toolIndex);
      this.#emit({
        tool_calls: [
          { index: toolIndex, id: block.id, type: "function", function: { name: block.name, arguments: "" } },
        ],
      });
    } else if (block.type === "text" && block.text) {
      this.#emit({ content: block.text });
    }
  }

  #delta(index: number, delta: { type: string; text?: string; partial_json?: string }): void {
    if (delta.type === "text_delta" && delta.text) {
      this.#emit({ content: delta.text });
      return;
    }
    const toolIndex = this.#toolIndex.get(index);
    if (delta.type === "input_json_delta" && delta.partial_json && toolIndex !== undefined) {
      this.#emit({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] });
    }
  }

  #stop(): void {
    if (this.#finish === undefined) this.#emit({}, "stop");
    this.#state = "done";
    this.#out += usageFrame(this.#stamp, toOpenAiUsage(this.#usage ?? {}));
    this.#out += DONE_FRAME;
  }
}
