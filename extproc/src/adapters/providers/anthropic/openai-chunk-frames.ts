import type { OpenAiFinishReason } from "../openai-chat-answer.ts";
import type { OpenAiUsage } from "./anthropic-usage-to-openai.ts";

/**
 * OpenAI chat.completion.chunk server-sent events, as the stream translator writes them. Chunks
 * carry `usage: null` like OpenAI's with include_usage, and the usage arrives in a last chunk with
 * no choices: the gateway reads it there, and clients that did not ask for it ignore it.
 */

export interface ChunkStamp {
  readonly id: string;
  readonly created: number;
  readonly model: string;
}

export type Delta =
  | { readonly role: "assistant"; readonly content: "" }
  | { readonly content: string }
  | { readonly tool_calls: readonly ToolCallDelta[] }
  | Record<string, never>;

interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly type?: "function";
  readonly function: { readonly name?: string; readonly arguments: string };
}

function frame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export function chunkFrame(
  stamp: ChunkStamp,
  delta: Delta,
  finish: OpenAiFinishReason | null = null,
): string {
  return frame({
    id: stamp.id,
    object: "chat.completion.chunk",
    created: stamp.created,
    model: stamp.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
  });
}

export function usageFrame(stamp: ChunkStamp, usage: OpenAiUsage): string {
  return frame({
    id: stamp.id,
    object: "chat.completion.chunk",
    created: stamp.created,
    model: stamp.model,
    choices: [],
    usage,
  });
}

export const DONE_FRAME = "data: [DONE]\n\n";
