import { invalidRequest } from "./api-error.ts";
import type { ContentBlock, Message, MessagesRequest } from "./request-schemas.ts";

/**
 * The conversation rules Anthropic enforces beyond the schema. The mock is strict on alternation:
 * a translation that forgets to merge same-role OpenAI messages fails here rather than in
 * production, where Anthropic's merging would hide it.
 */

const blocksOf = (message: Message | undefined): ContentBlock[] => {
  if (message === undefined) return [];
  return typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
};

function idsOf(message: Message | undefined, type: "tool_use" | "tool_result"): string[] {
  return blocksOf(message).flatMap((block) => {
    if (type === "tool_use" && block.type === "tool_use") return [block.id];
    if (type === "tool_result" && block.type === "tool_result") return [block.tool_use_id];
    return [];
  });
}

function checkContent(message: Message, index: number, isLast: boolean): void {
  const blocks = blocksOf(message);
  const emptyAllowed = isLast && message.role === "assistant";
  if (blocks.length === 0 && !emptyAllowed) {
    throw invalidRequest(
      `messages.${index}: all messages must have non-empty content except for the optional final assistant message`,
    );
  }
  if (blocks.some((block) => block.type === "text" && block.text === "") && !emptyAllowed) {
    throw invalidRequest("messages: text content blocks must be non-empty");
  }
  if (message.role === "user" && blocks.some((b) => b.type === "tool_use")) {
    throw invalidRequest(`messages.${index}: tool_use blocks may only appear in assistant messages`);
  }
  if (message.role === "assistant" && blocks.some((b) => b.type === "tool_result" || b.type === "image")) {
    throw invalidRequest(`messages.${index}: assistant messages may only hold text and tool_use blocks`);
  }
}

function checkToolPairing(messages: readonly Message[], index: number): void {
  const previousUses = new Set(idsOf(messages[index - 1], "tool_use"));
  const results = idsOf(messages[index], "tool_result");
  const orphan = results.find((id) => !previousUses.has(id));
  if (orphan !== undefined) {
    throw invalidRequest(
      `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${orphan}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
    );
  }
  const uses = idsOf(messages[index], "tool_use");
  const next = messages[index + 1];
  if (uses.length === 0 || next === undefined) return;
  const answered = new Set(idsOf(next, "tool_result"));
  const missing = uses.filter((id) => !answered.has(id));
  if (missing.length > 0) {
    throw invalidRequest(
      `messages.${index + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
    );
  }
}

export function checkConversation(request: MessagesRequest): void {
  const { messages } = request;
  if (messages.length === 0) throw invalidRequest("messages: at least one message is required");
  if (messages[0]?.role !== "user") throw invalidRequest('messages: first message must use the "user" role');
  for (const [index, message] of messages.entries()) {
    const previous = messages[index - 1];
    if (previous?.role === message.role) {
      throw invalidRequest(
        `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`,
      );
    }
    checkContent(message, index, index === messages.length - 1);
    checkToolPairing(messages, index);
  }
  const choice = request.tool_choice;
  if (choice?.type === "tool" && !request.tools?.some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`tool_choice.name: tool ${choice.name} is not among the tools`);
  }
}
