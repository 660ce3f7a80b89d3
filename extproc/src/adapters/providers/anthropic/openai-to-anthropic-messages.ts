import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { ChatMessage } from "../openai-chat-request.ts";
import { invalidRequest, translated, unsupportedFeature } from "../translation-result.ts";
import type { AnthropicMessage, AssistantBlock, TextBlock, UserBlock } from "./anthropic-request-types.ts";
import { textContentBlocks, userContentBlocks } from "./openai-content-to-anthropic.ts";
import { toolUseBlocks } from "./openai-tool-calls-to-anthropic.ts";

/**
 * OpenAI's message list to Anthropic's `system` plus alternating user/assistant turns. System and
 * developer messages are hoisted, in order, into `system` (Anthropic has no system role in the
 * conversation, wherever OpenAI allows them); tool messages become `tool_result` blocks of a user
 * turn; consecutive turns of one role are merged because Anthropic wants strict alternation.
 */

interface AnthropicConversation {
  readonly system: TextBlock[];
  readonly messages: AnthropicMessage[];
}

type Turn = { role: "user"; content: UserBlock[] } | { role: "assistant"; content: AssistantBlock[] };

function append(turns: Turn[], turn: Turn): void {
  if (turn.content.length === 0) return;
  const last = turns[turns.length - 1];
  if (last?.role === "user" && turn.role === "user") last.content.push(...turn.content);
  else if (last?.role === "assistant" && turn.role === "assistant") last.content.push(...turn.content);
  else turns.push(turn);
}

function assistantText(content: Extract<ChatMessage, { role: "assistant" }>["content"]): TextBlock[] {
  if (content === null || content === undefined) return [];
  if (typeof content === "string") return textContentBlocks(content);
  // A refusal the assistant gave earlier is part of what it said.
  return textContentBlocks(
    content.map((part) => ({ type: "text", text: part.type === "text" ? part.text : part.refusal })),
  );
}

function assistantTurn(
  message: Extract<ChatMessage, { role: "assistant" }>,
  param: string,
): Translated<Turn> {
  if (message.audio !== undefined && message.audio !== null) {
    return unsupportedFeature("assistant audio is not supported by anthropic", `${param}.audio`);
  }
  if (message.function_call !== undefined && message.function_call !== null) {
    return unsupportedFeature(
      "legacy function_call is not supported by anthropic; use tool_calls",
      `${param}.function_call`,
    );
  }
  const calls = toolUseBlocks(message.tool_calls ?? [], `${param}.tool_calls`);
  if (!calls.ok) return calls;
  return translated({ role: "assistant", content: [...assistantText(message.content), ...calls.value] });
}

function toTurn(message: ChatMessage, param: string): Translated<Turn> {
  switch (message.role) {
    case "user": {
      const blocks = userContentBlocks(message.content, `${param}.content`);
      return blocks.ok ? translated({ role: "user", content: blocks.value }) : blocks;
    }
    case "assistant":
      return assistantTurn(message, param);
    case "tool": {
      const content = textContentBlocks(message.content);
      return translated({
        role: "user",
        content: [{ type: "tool_result", tool_use_id: message.tool_call_id, content }],
      });
    }
    case "function":
      return unsupportedFeature(
        "legacy function messages are not supported by anthropic; use tool messages",
        param,
      );
    default:
      return invalidRequest("system messages are not conversation turns", param);
  }
}

// Anthropic wants the tool results of a user turn before any text in it.
function toolResultsFirst(turn: Turn): AnthropicMessage {
  if (turn.role === "assistant") return turn;
  const results = turn.content.filter((block) => block.type === "tool_result");
  const rest = turn.content.filter((block) => block.type !== "tool_result");
  return { role: "user", content: [...results, ...rest] };
}

export function toAnthropicConversation(messages: readonly ChatMessage[]): Translated<AnthropicConversation> {
  const system: TextBlock[] = [];
  const turns: Turn[] = [];
  for (const [index, message] of messages.entries()) {
    if (message.role === "system" || message.role === "developer") {
      system.push(...textContentBlocks(message.content));
      continue;
    }
    const turn = toTurn(message, `messages[${index}]`);
    if (!turn.ok) return turn;
    append(turns, turn.value);
  }
  if (turns.length === 0) {
    return invalidRequest("anthropic needs at least one user message besides system messages", "messages");
  }
  if (turns[0]?.role !== "user") {
    return invalidRequest("anthropic needs the conversation to start with a user message", "messages");
  }
  return translated({ system, messages: turns.map(toolResultsFirst) });
}
