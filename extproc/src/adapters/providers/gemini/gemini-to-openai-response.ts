import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { assistantMessage, tokenUsage } from "../openai-chat-answer.ts";
import { openAiError, openAiErrorBuffer } from "../openai-error-body.ts";
import { parseProviderJson } from "../provider-json.ts";
import {
  answerParts,
  openAiFinishReason,
  openAiUsage,
  partsText,
  partsToolCalls,
  ToolCallIds,
} from "./gemini-candidate-to-openai.ts";
import { geminiErrorToOpenAi, invalidProviderResponse } from "./gemini-error-to-openai.ts";
import { type GeminiCandidate, GenerateContentResponse } from "./gemini-response-schema.ts";
import { type ResponseStamps, systemStamps } from "./response-stamps.ts";

/**
 * A Gemini generateContent answer → an OpenAI chat.completion, candidates[i] → choices[i].
 * A prompt Gemini blocked (promptFeedback.blockReason, no candidates) becomes a 400 with code
 * `content_filter` and param `messages`, the answer Azure OpenAI gives when its filter rejects a
 * prompt, so callers handle both the same way; its usage is still reported for the audit row.
 */

function choice(candidate: GeminiCandidate, position: number, ids: ToolCallIds): Record<string, unknown> {
  const parts = answerParts(candidate);
  const toolCalls = partsToolCalls(parts, ids);
  return {
    index: candidate.index ?? position,
    message: assistantMessage(partsText(parts), toolCalls),
    logprobs: null,
    finish_reason: openAiFinishReason(candidate.finishReason ?? "STOP", toolCalls.length > 0),
  };
}

function badGateway(detail: string): TranslatedResponse {
  return { status: 502, body: openAiErrorBuffer(invalidProviderResponse(detail)), usage: undefined };
}

export function geminiToOpenAiChat(
  status: number,
  body: Buffer,
  model: string,
  stamps: ResponseStamps = systemStamps,
): TranslatedResponse {
  if (status < 200 || status > 299) return geminiErrorToOpenAi(status, body);
  const json = parseProviderJson(body);
  if (!json.ok) return badGateway("with a body that is not UTF-8 JSON");
  const parsed = GenerateContentResponse.safeParse(json.value);
  if (!parsed.success) return badGateway("with JSON that is not a GenerateContentResponse");
  const answer = parsed.data;
  const usage = answer.usageMetadata ? openAiUsage(answer.usageMetadata) : undefined;
  const candidates = answer.candidates ?? [];

  if (candidates.length === 0) {
    const reason = answer.promptFeedback?.blockReason;
    if (reason === undefined) return badGateway("without candidates and without a block reason");
    const error = openAiError(
      400,
      "content_filter",
      `The prompt was blocked by the provider (${reason}).`,
      "messages",
    );
    return { status: 400, body: openAiErrorBuffer(error), usage: usage && tokenUsage(usage) };
  }

  const ids = new ToolCallIds();
  const completion = {
    id: stamps.id(answer.responseId),
    object: "chat.completion",
    created: stamps.nowSeconds(),
    model,
    choices: candidates.map((candidate, i) => choice(candidate, i, ids)),
    ...(usage ? { usage } : {}),
    system_fingerprint: null,
  };
  return { status: 200, body: Buffer.from(JSON.stringify(completion)), usage: usage && tokenUsage(usage) };
}
