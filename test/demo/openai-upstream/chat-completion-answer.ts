import type { ServerResponse } from "node:http";
import { sendEventStream, splitForStreaming } from "./event-stream.ts";
import { sendJson } from "./json-response.ts";
import { parseBody, rejectStreamOptionsWithoutStream } from "./request-body.ts";
import { ChatRequest, type MessageContent } from "./request-schemas.ts";
import { newId, nowSeconds } from "./response-stamps.ts";
import { countTokens, truncateToTokens } from "./token-count.ts";

/** POST /v1/chat/completions: echoes the last user message, whole or as a chunk stream. */

function contentText(content: MessageContent | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

/** A model sometimes writes personal data of its own; asking for "support contact" makes this one do so. */
const SUPPORT_CONTACT = " Contact support at help@provider.example or +1 415-555-0100.";

function chatAnswer(messages: ChatRequest["messages"]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1];
  const text = contentText(lastUser?.content);
  return `Echo: ${text}${text.includes("support contact") ? SUPPORT_CONTACT : ""}`;
}

function chatPromptTokens(messages: ChatRequest["messages"]): number {
  // Per-message and per-reply overheads mirror OpenAI's chat accounting closely enough for tests.
  return messages.reduce((sum, m) => sum + 4 + countTokens(contentText(m.content)), 3);
}

export async function chatCompletions(raw: Buffer, res: ServerResponse): Promise<void> {
  const body = parseBody(raw, ChatRequest, ["model", "messages"]);
  rejectStreamOptionsWithoutStream(body);
  const id = newId("chatcmpl-");
  const created = nowSeconds();
  const answer = truncateToTokens(chatAnswer(body.messages), body.max_completion_tokens ?? body.max_tokens);
  const finishReason = answer.cut ? "length" : "stop";
  const promptTokens = chatPromptTokens(body.messages);
  const completionTokens = countTokens(answer.text);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
  const base = { id, created, model: body.model, system_fingerprint: "fp_demo", service_tier: "default" };

  if (body.stream !== true) {
    sendJson(res, 200, {
      ...base,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: answer.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
    return;
  }

  const withUsage = body.stream_options?.include_usage === true;
  // With include_usage OpenAI sends `usage: null` on every chunk but the last.
  const usageField = withUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null): unknown => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  const events: unknown[] = [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...splitForStreaming(answer.text).map((piece) => chunk({ content: piece }, null)),
    chunk({}, finishReason),
  ];
  if (withUsage) events.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
  await sendEventStream(res, events);
}
