import type { TokenUsage } from "../../../pipeline/provider-translation.ts";
import type { OpenAiFinishReason, OpenAiToolCall } from "../openai-chat-answer.ts";
import type { GeminiCandidate, GeminiResponsePart, GeminiUsageMetadata } from "./gemini-response-schema.ts";

/**
 * What the JSON answer and the stream share: a candidate's parts → OpenAI text and tool calls,
 * Gemini finish reasons → OpenAI's, and usageMetadata → usage.
 */

const FILTERED = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/**
 * Gemini answers STOP even when it calls a function; OpenAI says tool_calls, and SDK helpers loop
 * on it. MALFORMED_FUNCTION_CALL, OTHER and LANGUAGE have no OpenAI counterpart and end as "stop".
 */
export function openAiFinishReason(reason: string, calledTools: boolean): OpenAiFinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (FILTERED.has(reason)) return "content_filter";
  return calledTools ? "tool_calls" : "stop";
}

/** Thought summaries (`thought: true`) are the model's reasoning, not its answer: not forwarded. */
export function answerParts(candidate: GeminiCandidate): GeminiResponsePart[] {
  return (candidate.content?.parts ?? []).filter((part) => part.thought !== true);
}

export function partsText(parts: readonly GeminiResponsePart[]): string {
  return parts.map((part) => part.text ?? "").join("");
}

/**
 * Gemini function calls carry no id, so ids are numbered per answer (`call_0`, `call_1`, ...): the
 * caller only needs them to pair its tool messages with the calls of the same assistant turn.
 */
export class ToolCallIds {
  private next = 0;
  take(): string {
    return `call_${this.next++}`;
  }
}

export function partsToolCalls(parts: readonly GeminiResponsePart[], ids: ToolCallIds): OpenAiToolCall[] {
  return parts.flatMap((part) =>
    part.functionCall
      ? [
          {
            id: ids.take(),
            type: "function" as const,
            function: {
              name: part.functionCall.name,
              arguments: JSON.stringify(part.functionCall.args ?? {}),
            },
          },
        ]
      : [],
  );
}

export interface OpenAiUsage extends TokenUsage {
  readonly prompt_tokens_details: { readonly cached_tokens: number };
  readonly completion_tokens_details: { readonly reasoning_tokens: number };
}

/** Thinking tokens are billed as output at Google, so they count as completion tokens, as at OpenAI. */
export function openAiUsage(meta: GeminiUsageMetadata): OpenAiUsage {
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const reasoning = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: meta.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
