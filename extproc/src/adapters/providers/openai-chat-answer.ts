import type { TokenUsage } from "../../pipeline/provider-translation.ts";

/** The pieces of an OpenAI chat.completion every translating provider's answer is written into. */

export type OpenAiFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface OpenAiToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface OpenAiAssistantMessage {
  readonly role: "assistant";
  readonly content: string | null;
  readonly refusal: null;
  readonly tool_calls?: readonly OpenAiToolCall[];
}

/** OpenAI answers content null when the model only called tools. */
export function assistantMessage(text: string, toolCalls: readonly OpenAiToolCall[]): OpenAiAssistantMessage {
  return {
    role: "assistant",
    content: text === "" && toolCalls.length > 0 ? null : text,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

/** The three counts the audit row keeps, without the details an OpenAI usage object adds. */
export function tokenUsage(usage: TokenUsage): TokenUsage {
  const { prompt_tokens, completion_tokens, total_tokens } = usage;
  return { prompt_tokens, completion_tokens, total_tokens };
}
