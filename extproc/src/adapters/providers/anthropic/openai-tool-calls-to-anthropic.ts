import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { ToolUseBlock } from "./anthropic-request-types.ts";
import type { ToolCall } from "./openai-chat-request-schema.ts";
import { invalid, succeed } from "./translation-failure.ts";

/**
 * An assistant's OpenAI `tool_calls` (arguments as a JSON string) to Anthropic `tool_use` blocks
 * (input as an object). Arguments that are not a JSON object are the caller's error: Anthropic
 * would refuse them, and guessing an object would invent what the model said.
 */

function parseArguments(text: string): Record<string, unknown> | undefined {
  // Some clients send "" for a call without arguments; that means {}.
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through to undefined: the caller reports the parameter
  }
  return undefined;
}

export function toolUseBlocks(calls: readonly ToolCall[], param: string): Translated<ToolUseBlock[]> {
  const blocks: ToolUseBlock[] = [];
  for (const [index, call] of calls.entries()) {
    const input = parseArguments(call.function.arguments);
    if (input === undefined) {
      return invalid(
        `${param}[${index}].function.arguments`,
        `tool call ${call.id} has arguments that are not a JSON object`,
      );
    }
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input });
  }
  return succeed(blocks);
}
