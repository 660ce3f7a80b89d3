import type { TokenUsage } from "../../../pipeline/provider-translation.ts";
import type { AnthropicUsage } from "./anthropic-response-schemas.ts";

/**
 * Anthropic usage to OpenAI usage. Anthropic counts cached prompt tokens apart from input_tokens;
 * OpenAI's prompt_tokens includes them, so they are added back (and reported as cached_tokens).
 */

export interface OpenAiUsage extends TokenUsage {
  readonly prompt_tokens_details: { readonly cached_tokens: number };
}

export function toOpenAiUsage(usage: AnthropicUsage): OpenAiUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + cached;
  const completion = usage.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
  };
}
