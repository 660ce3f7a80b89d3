import type { Translated } from "../../../pipeline/provider-translation.ts";
import { type ToolCall, toolCallArguments } from "../openai-chat-request.ts";
import { invalidRequest, translated } from "../translation-result.ts";
import type { ToolUseBlock } from "./anthropic-request-types.ts";

/**
 * An assistant's OpenAI `tool_calls` (arguments as a JSON string) to Anthropic `tool_use` blocks
 * (input as an object).
 */
export function toolUseBlocks(calls: readonly ToolCall[], param: string): Translated<ToolUseBlock[]> {
  const blocks: ToolUseBlock[] = [];
  for (const [index, call] of calls.entries()) {
    const input = toolCallArguments(call.function.arguments);
    if (input === undefined) {
      return invalidRequest(
        `tool call ${call.id} has arguments that are not a JSON object`,
        `${param}[${index}].function.arguments`,
      );
    }
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input });
  }
  return translated(blocks);
}
