import type { TranslatedResponse } from "../../../pipeline/provider-translation.ts";
import {
  assistantMessage,
  type OpenAiAssistantMessage,
  type OpenAiToolCall,
  tokenUsage,
} from "../openai-chat-answer.ts";
import { parseProviderJson } from "../provider-json.ts";
import { anthropicErrorToOpenAi, malformedAnswer } from "./anthropic-error-to-openai.ts";
import { AnthropicMessage } from "./anthropic-response-schemas.ts";
import { toFinishReason } from "./anthropic-stop-reason-to-openai.ts";
import { toOpenAiUsage } from "./anthropic-usage-to-openai.ts";

/**
 * An Anthropic Messages answer to an OpenAI chat.completion. `model` is the name reported to the
 * caller (the gateway chooses: usually the model the caller asked for). Content blocks other than
 * text and tool_use (thinking, server tool results) are not part of an OpenAI message and are left out.
 */

function toMessage(content: AnthropicMessage["content"]): OpenAiAssistantMessage {
  const texts: string[] = [];
  const toolCalls: OpenAiToolCall[] = [];
  for (const block of content) {
    if (block.type === "text" && "text" in block) texts.push(block.text);
    else if (block.type === "tool_use" && "input" in block) {
      const args = JSON.stringify(block.input ?? {});
      toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: args } });
    }
  }
  return assistantMessage(texts.join(""), toolCalls);
}

export function anthropicToOpenAiChat(
  status: number,
  body: Buffer,
  model: string,
  now: () => number = Date.now,
): TranslatedResponse {
  if (status < 200 || status > 299) return anthropicErrorToOpenAi(status, body);
  const json = parseProviderJson(body);
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
