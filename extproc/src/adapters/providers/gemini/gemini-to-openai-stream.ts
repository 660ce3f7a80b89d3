import { createParser, type EventSourceParser } from "eventsource-parser";
import { SseEventSplitter } from "../../../pipeline/pii/stream/sse-event-splitter.ts";
import type { StreamTranslator, TokenUsage } from "../../../pipeline/provider-translation.ts";
import { tokenUsage } from "../openai-chat-answer.ts";
import { type OpenAiError, openAiError, openAiErrorEvent } from "../openai-error-body.ts";
import { decodeProviderText } from "../provider-json.ts";
import { type OpenAiUsage, openAiUsage, ToolCallIds } from "./gemini-candidate-to-openai.ts";
import { googleErrorToOpenAi, invalidProviderResponse } from "./gemini-error-to-openai.ts";
import { GeminiErrorBody, GenerateContentResponse } from "./gemini-response-schema.ts";
import { type ChoiceState, type ChunkChoice, candidateChunks } from "./gemini-stream-chunks.ts";
import { type ResponseStamps, systemStamps } from "./response-stamps.ts";

/**
 * Gemini's `streamGenerateContent?alt=sse` (one GenerateContentResponse per `data:` event, bytes
 * cut anywhere, even inside a UTF-8 character) → OpenAI `chat.completion.chunk` events, then a
 * usage chunk with `choices: []`, then `data: [DONE]`.
 *
 * A stream that ends before every choice got a finish reason, an error payload, or an event that
 * is not a GenerateContentResponse ends with one `data: {"error": {...}}` event and no [DONE]: the
 * openai SDK throws an APIError on that event, so the caller cannot mistake a cut answer for a
 * whole one. Nothing is emitted after it. Bytes are cut into whole events first, so an event that
 * never ends is refused at the shared event bound (the splitter throws: fail closed) instead of
 * growing inside the parser.
 */

const EVENT_END = Buffer.from("\n\n");

export interface GeminiStreamOptions {
  /** The usage chunk OpenAI sends for `stream_options.include_usage`; on by default for the audit. */
  readonly includeUsage?: boolean;
  readonly stamps?: ResponseStamps;
  /** Cuts the bytes into whole events; its bound caps what one unfinished event may hold. */
  readonly events?: SseEventSplitter;
}

export class GeminiToOpenAiStream implements StreamTranslator {
  private readonly events: SseEventSplitter;
  private readonly parser: EventSourceParser;
  private readonly choices = new Map<number, ChoiceState>();
  private readonly ids = new ToolCallIds();
  private readonly stamps: ResponseStamps;
  private readonly includeUsage: boolean;
  private pending: string[] = [];
  private state: "open" | "failed" | "ended" = "open";
  private failedWith: string | undefined;
  private id: string | undefined;
  private created = 0;
  private lastUsage: OpenAiUsage | undefined;

  constructor(
    private readonly model: string,
    options: GeminiStreamOptions = {},
  ) {
    this.stamps = options.stamps ?? systemStamps;
    this.includeUsage = options.includeUsage ?? true;
    this.events = options.events ?? new SseEventSplitter();
    this.parser = createParser({ onEvent: (event) => this.onData(event.data) });
  }

  push(chunk: Buffer): Buffer {
    if (this.state !== "open") return this.flush();
    for (const event of this.events.push(chunk)) this.feed(event);
    return this.flush();
  }

  end(): Buffer {
    if (this.state === "open") {
      // The blank line dispatches a last event whose separator never came; a truncated one then
      // fails as JSON and is reported rather than silently lost.
      this.feed(Buffer.concat([this.events.takePending(), EVENT_END]));
    }
    if (this.state === "open") this.finish();
    return this.flush();
  }

  usage(): TokenUsage | undefined {
    return this.lastUsage && tokenUsage(this.lastUsage);
  }

  /** One whole event's bytes (the splitter cuts them), so no character is split across calls. */
  private feed(event: Buffer): void {
    if (this.state !== "open") return;
    const text = decodeProviderText(event);
    if (text === undefined) this.fail(invalidProviderResponse("with a stream event that is not UTF-8"));
    else this.parser.feed(text);
  }

  private onData(data: string): void {
    if (this.state !== "open") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.fail(invalidProviderResponse("with a stream event that is not JSON"));
      return;
    }
    const error = GeminiErrorBody.safeParse(json);
    if (error.success) {
      this.fail(googleErrorToOpenAi(error.data, error.data.error.code ?? 500));
      return;
    }
    const parsed = GenerateContentResponse.safeParse(json);
    if (!parsed.success) {
      this.fail(invalidProviderResponse("with a stream event that is not a GenerateContentResponse"));
      return;
    }
    const event = parsed.data;
    if (this.id === undefined) {
      this.id = this.stamps.id(event.responseId);
      this.created = this.stamps.nowSeconds();
    }
    if (event.usageMetadata) this.lastUsage = openAiUsage(event.usageMetadata);
    const candidates = event.candidates ?? [];
    const blockReason = event.promptFeedback?.blockReason;
    if (candidates.length === 0 && blockReason !== undefined) {
      const message = `The prompt was blocked by the provider (${blockReason}).`;
      this.fail(openAiError(400, "content_filter", message, "messages"));
      return;
    }
    for (const candidate of candidates) {
      for (const choice of candidateChunks(candidate, this.choices, this.ids)) this.emitChunk([choice]);
    }
  }

  private finish(): void {
    const finished = this.choices.size > 0 && [...this.choices.values()].every((c) => c.finished);
    if (!finished) {
      const message = "The provider gemini ended the stream before the answer was complete";
      this.fail(openAiError(502, "provider_stream_interrupted", message));
      return;
    }
    if (this.includeUsage && this.lastUsage) this.emitChunk([], this.lastUsage);
    this.pending.push("data: [DONE]\n\n");
    this.state = "ended";
  }

  private emitChunk(choices: ChunkChoice[], usage?: OpenAiUsage): void {
    const chunk = {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      system_fingerprint: null,
      choices,
      ...(usage ? { usage } : {}),
    };
    this.pending.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  private fail(error: OpenAiError): void {
    this.pending.push(openAiErrorEvent(error));
    this.state = "failed";
    this.failedWith = error.code;
  }

  failure(): string | undefined {
    return this.failedWith;
  }

  private flush(): Buffer {
    const out = Buffer.from(this.pending.join(""));
    this.pending = [];
    return out;
  }
}
