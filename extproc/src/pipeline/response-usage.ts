import { z } from "zod";
import { parseSseEvent, parseSseJson } from "./pii/stream/sse-event.ts";
import { SseEventSplitter } from "./pii/stream/sse-event-splitter.ts";
import type { ApiKind } from "./policy-input.ts";

export interface TokenUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
}

const count = z.number().int().nonnegative().catch(0).default(0);
const optionalCount = z.number().int().nonnegative().optional().catch(undefined);

const OpenAiUsage = z.object({
  usage: z.object({ prompt_tokens: count, completion_tokens: count, total_tokens: count }),
});

/**
 * Anthropic's usage: on a message (JSON answers, and `message.usage` of the stream's
 * message_start) and on the stream's message_delta, whose counts are cumulative and may name only
 * the output. Cache reads and writes are input the model read, so they count as prompt tokens.
 */
const AnthropicUsage = z.object({
  input_tokens: optionalCount,
  output_tokens: optionalCount,
  cache_creation_input_tokens: optionalCount.nullable(),
  cache_read_input_tokens: optionalCount.nullable(),
});
const AnthropicUsageCarrier = z.union([
  z.object({ type: z.literal("message_start"), message: z.object({ usage: AnthropicUsage }) }),
  z.object({ usage: AnthropicUsage }),
]);

/** Gemini's usageMetadata, on JSON answers and on stream chunks (the last one holds the totals). */
const GeminiUsage = z.object({
  usageMetadata: z.object({
    promptTokenCount: count,
    candidatesTokenCount: count,
    thoughtsTokenCount: count,
    totalTokenCount: optionalCount,
  }),
});

/**
 * Token usage from a JSON answer or one stream event of `api`, merged into what earlier events
 * reported; `previous` when the value carries none. Unreadable counts read as absent, never fail.
 */
export function usageFromJson(
  api: ApiKind,
  value: unknown,
  previous: TokenUsage | undefined = undefined,
): TokenUsage | undefined {
  switch (api) {
    case "anthropic.messages":
      return anthropicUsage(value, previous);
    case "gemini.generate_content":
    case "gemini.stream_generate_content": {
      const parsed = GeminiUsage.safeParse(value);
      if (!parsed.success) return previous;
      const usage = parsed.data.usageMetadata;
      const completion = usage.candidatesTokenCount + usage.thoughtsTokenCount;
      return {
        prompt_tokens: usage.promptTokenCount,
        completion_tokens: completion,
        total_tokens: usage.totalTokenCount ?? usage.promptTokenCount + completion,
      };
    }
    default: {
      const parsed = OpenAiUsage.safeParse(value);
      return parsed.success ? parsed.data.usage : previous;
    }
  }
}

function anthropicUsage(value: unknown, previous: TokenUsage | undefined): TokenUsage | undefined {
  const parsed = AnthropicUsageCarrier.safeParse(value);
  if (!parsed.success) return previous;
  const usage = "message" in parsed.data ? parsed.data.message.usage : parsed.data.usage;
  const input =
    usage.input_tokens === undefined
      ? undefined
      : usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
  const prompt = input ?? previous?.prompt_tokens ?? 0;
  const completion = usage.output_tokens ?? previous?.completion_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/**
 * Watches a `text/event-stream` response for usage: the last chunk of OpenAI-compatible providers
 * (`stream_options.include_usage`), Anthropic's message_start and message_delta, Gemini's
 * usageMetadata. It only reads; the chunks pass unchanged. When the answer is being redacted, the
 * redactor already splits the stream and parses each event: it hands the parsed data to `read`
 * instead, so no event is split or parsed twice.
 */
export class StreamUsageReader {
  private usage: TokenUsage | undefined;
  private errored = false;
  private readonly splitter = new SseEventSplitter();
  private gaveUp = false;

  constructor(private readonly api: ApiKind) {}

  /** One event's data, parsed (undefined when it is not JSON). */
  read(data: unknown): void {
    if (data === undefined) return;
    this.usage = usageFromJson(this.api, data, this.usage);
    if (isErrorEvent(data)) this.errored = true;
  }

  /**
   * The stream carried an error event (OpenAI's and Gemini's `{"error": ...}`, Anthropic's `error`
   * event, or the gateway's own for a translated stream that broke off): the caller's SDK raises
   * it, so the answer did not complete although its status was 200.
   */
  endedInError(): boolean {
    return this.errored;
  }

  push(chunk: Buffer, endOfStream: boolean): void {
    if (this.gaveUp) return;
    let events: Buffer[];
    try {
      events = this.splitter.push(chunk);
    } catch {
      // Past the shared event bound an unterminated event is not worth holding just to read usage.
      this.gaveUp = true;
      return;
    }
    for (const raw of events) this.readEvent(raw);
    // An event cut only of its blank line still counts, as it does for the redactor.
    if (endOfStream) this.readEvent(this.splitter.takePending());
  }

  result(): TokenUsage | undefined {
    return this.usage;
  }

  private readEvent(raw: Buffer): void {
    const data = raw.length === 0 ? undefined : parseSseEvent(raw.toString("utf8")).data;
    if (data !== undefined) this.read(parseSseJson(data));
  }
}

function isErrorEvent(data: unknown): boolean {
  if (typeof data !== "object" || data === null) return false;
  const event = data as { type?: unknown; error?: unknown };
  return event.type === "error" || (typeof event.error === "object" && event.error !== null);
}
