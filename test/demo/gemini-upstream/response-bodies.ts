import { splitForStreaming } from "../openai-upstream/event-stream.ts";
import type { Answer, AnswerPart, GeneratedResponse } from "./generate-answer.ts";

/**
 * GenerateContentResponse bodies as Gemini writes them: the whole answer, or the events of a
 * stream (text in several pieces, a function call whole, the finish reason and the full
 * usageMetadata on each candidate's last event; earlier events carry the running usage).
 */

function usageMetadata(promptTokens: number, candidatesTokens: number): Record<string, unknown> {
  return {
    promptTokenCount: promptTokens,
    ...(candidatesTokens > 0 ? { candidatesTokenCount: candidatesTokens } : {}),
    totalTokenCount: promptTokens + candidatesTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
  };
}

function candidate(parts: AnswerPart[], index: number, finishReason?: string): Record<string, unknown> {
  return { content: { parts, role: "model" }, ...(finishReason ? { finishReason } : {}), index };
}

export function wholeResponse(generated: GeneratedResponse, model: string): Record<string, unknown> {
  const tokens = generated.answers.reduce((sum, a) => sum + a.tokens, 0);
  return {
    candidates: generated.answers.map((a, i) => candidate(a.parts, i, a.finishReason)),
    usageMetadata: usageMetadata(generated.promptTokens, tokens),
    modelVersion: model,
    responseId: generated.responseId,
  };
}

function answerPieces(answer: Answer): AnswerPart[][] {
  return answer.parts.flatMap((part): AnswerPart[][] =>
    "text" in part ? splitForStreaming(part.text).map((text) => [{ text }]) : [[part]],
  );
}

export function streamEvents(generated: GeneratedResponse, model: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  let tokens = 0;
  for (const [index, answer] of generated.answers.entries()) {
    const pieces = answerPieces(answer);
    for (const [i, parts] of pieces.entries()) {
      const last = i === pieces.length - 1;
      if (last) tokens += answer.tokens;
      events.push({
        candidates: [candidate(parts, index, last ? answer.finishReason : undefined)],
        usageMetadata: usageMetadata(generated.promptTokens, tokens),
        modelVersion: model,
        responseId: generated.responseId,
      });
    }
  }
  return events;
}
