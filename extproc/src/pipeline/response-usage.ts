import { createParser, type EventSourceParser } from "eventsource-parser";
import { z } from "zod";
import { MAX_EVENT_BYTES } from "./pii/stream/sse-event-splitter.ts";

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

const count = z.number().int().nonnegative().catch(0).default(0);
const UsageShape = z.object({
  usage: z.object({ prompt_tokens: count, completion_tokens: count, total_tokens: count }),
});

/** Token usage as OpenAI-compatible providers report it; undefined when absent or unreadable. */
export function usageFromJson(value: unknown): TokenUsage | undefined {
  const parsed = UsageShape.safeParse(value);
  return parsed.success ? parsed.data.usage : undefined;
}

/**
 * Watches a `text/event-stream` response for the usage that OpenAI-compatible providers put in
 * the last chunk (`stream_options.include_usage`). It only reads; the chunks pass unchanged.
 */
export class StreamUsageReader {
  private usage: TokenUsage | undefined;
  private readonly decoder = new TextDecoder("utf-8");
  private readonly parser: EventSourceParser;
  private pendingBytes = 0;
  private gaveUp = false;

  constructor() {
    this.parser = createParser({
      onEvent: (event) => {
        this.pendingBytes = 0;
        if (event.data === "[DONE]") return;
        try {
          this.usage = usageFromJson(JSON.parse(event.data)) ?? this.usage;
        } catch {
          // A chunk that is not JSON carries no usage; the caller's SDK deals with it.
        }
      },
    });
  }

  push(chunk: Buffer, endOfStream: boolean): void {
    if (this.gaveUp) return;
    this.pendingBytes += chunk.length;
    // Past the shared event bound an unterminated event is not worth holding just to read usage.
    if (this.pendingBytes > MAX_EVENT_BYTES) {
      this.gaveUp = true;
      return;
    }
    this.parser.feed(this.decoder.decode(chunk, { stream: !endOfStream }));
  }

  result(): TokenUsage | undefined {
    return this.usage;
  }
}
