import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import { anthropicErrorToOpenAi, malformedAnswer } from "./anthropic-error-to-openai.ts";
import { AnthropicMessage } from "./anthropic-response-schemas.ts";
import { toFinishReason } from "./anthropic-stop-reason-to-openai.ts";
import { tokenUsage, toOpenAiUsage } from "./anthropic-usage-to-openai.ts";

/**
 * An Anthropic Messages answer to an OpenAI chat.completion. `model` is the name reported to the
 * caller (the gateway chooses: usually the model the caller asked for). Content blocks other than
 * text and tool_use (thinking, server tool results) are not part of an OpenAI message and are left out.
 */

interface OpenAiToolCall {
  readonly id: string;
  readonly type: "function";
  readonly function: { readonly name: string; readonly arguments: string };
}

function toMessage(content: AnthropicMessage["content"]) {
  const texts: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  for (const block of content) {
    if (block.type === "text" && "text" in block) texts.push(block.text);
    else if (block.type === "tool_use" && "input" in block) {
      const args = JSON.stringify(block.input ?? {});
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: args } });
    }
  }
  // OpenAI answers content null when the model only called tools.
  const text = texts.length === 0 && toolCalls.length > 0 ? null : texts.join("");
  return {
    role: "assistant" as const,
    content: text,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

export function anthropicToOpenAiChat(
  status: number,
  body: Buffer,
  model: string,
  now: () => number = Date.now,
): TranslatedResponse {
  if (status < 200 || status > 299) return anthropicErrorToOpenAi(status, body);
  const json = parseJson(body);
  if (!json.ok) return malformedAnswer("anthropic answered malformed JSON");
  const parsed = AnthropicMessage.safeParse(json.value);
  if (!parsed.success) return malformedAnswer("anthropic answered JSON that is not a message");
  const message = parsed.data;
  const usage = toOpenAiUsage(message.usage);
  const completion = {
    id: `chatcmpl-${message.id}`,
    object: "chat.completion",
    created: Math.floor(now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: toMessage(message.content),
        logprobs: null,
        finish_reason: toFinishReason(message.stop_reason),
      },
    ],
    usage,
  };
  return { status: 200, body: Buffer.from(JSON.stringify(completion)), usage: tokenUsage(usage) };
}
