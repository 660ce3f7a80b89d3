import type { OpenAiFinishReason } from "../openai-chat-answer.ts";
import {
  answerParts,
  openAiFinishReason,
  partsText,
  partsToolCalls,
  type ToolCallIds,
} from "./gemini-candidate-to-openai.ts";
import type { GeminiCandidate } from "./gemini-response-schema.ts";

/**
 * One Gemini stream event's candidate → the OpenAI chunk deltas it stands for: the opening
 * `role: assistant` delta the first time a choice appears, its text, its function calls (Gemini
 * sends each call whole, so each becomes one complete tool_calls delta) and, with the finish
 * reason, the closing delta.
 */

export interface ChoiceState {
  toolCalls: number;
  finished: boolean;
}

export interface ChunkChoice {
  readonly index: number;
  readonly delta: Record<string, unknown>;
  readonly logprobs: null;
  readonly finish_reason: OpenAiFinishReason | null;
}

function chunkChoice(
  index: number,
  delta: Record<string, unknown>,
  finish: OpenAiFinishReason | null = null,
) {
  return { index, delta, logprobs: null, finish_reason: finish };
}

export function candidateChunks(
  candidate: GeminiCandidate,
  choices: Map<number, ChoiceState>,
  ids: ToolCallIds,
): ChunkChoice[] {
  const index = candidate.index ?? 0;
  const out: ChunkChoice[] = [];
  let state = choices.get(index);
  if (state === undefined) {
    state = { toolCalls: 0, finished: false };
    choices.set(index, state);
    out.push(chunkChoice(index, { role: "assistant", content: "", refusal: null }));
  }
  // Gemini sends nothing after a candidate's finish reason; anything that does come is ignored.
  if (state.finished) return out;
  const parts = answerParts(candidate);
  const text = partsText(parts);
  if (text !== "") out.push(chunkChoice(index, { content: text }));
  for (const call of partsToolCalls(parts, ids)) {
    out.push(chunkChoice(index, { tool_calls: [{ index: state.toolCalls, ...call }] }));
    state.toolCalls += 1;
  }
  if (candidate.finishReason !== undefined) {
    state.finished = true;
    out.push(chunkChoice(index, {}, openAiFinishReason(candidate.finishReason, state.toolCalls > 0)));
  }
  return out;
}
