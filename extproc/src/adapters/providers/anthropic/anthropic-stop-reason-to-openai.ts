import type { OpenAiFinishReason } from "../openai-chat-answer.ts";

/** Anthropic's stop_reason to OpenAI's finish_reason. */

const FINISH: Readonly<Record<string, OpenAiFinishReason>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  // pause_turn only follows server tools, which the translation never offers; the turn did end.
  pause_turn: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  refusal: "content_filter",
};

export function toFinishReason(stopReason: string | null | undefined): OpenAiFinishReason {
  return (stopReason && FINISH[stopReason]) || "stop";
}
