import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-request-types.ts";
import type { OpenAiChatRequest } from "./openai-chat-request-schema.ts";
import { invalid, succeed, unsupported } from "./translation-failure.ts";

/** OpenAI `tools`, `tool_choice` and `parallel_tool_calls` to Anthropic `tools` and `tool_choice`. */

export interface AnthropicTools {
  readonly tools?: AnthropicTool[];
  readonly tool_choice?: AnthropicToolChoice;
}

// Anthropic requires an object schema; a function without parameters takes none.
const NO_PARAMETERS = { type: "object", properties: {} } as const;

function toTools(tools: NonNullable<OpenAiChatRequest["tools"]>): Translated<AnthropicTool[]> {
  const out: AnthropicTool[] = [];
  for (const [index, tool] of tools.entries()) {
    if (tool.type !== "function") {
      return unsupported(`tools[${index}]`, "custom tools are not supported by anthropic");
    }
    // `strict` has no Anthropic counterpart; the schema itself is kept.
    const { name, description, parameters } = tool.function;
    out.push({
      name,
      ...(description !== undefined ? { description } : {}),
      input_schema: parameters ?? NO_PARAMETERS,
    });
  }
  return succeed(out);
}

function toChoice(
  request: OpenAiChatRequest,
  toolNames: ReadonlySet<string>,
): Translated<AnthropicToolChoice> {
  const choice = request.tool_choice ?? "auto";
  // OpenAI's parallel_tool_calls=false is Anthropic's disable_parallel_tool_use=true.
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return succeed({ type: "none" });
  if (choice === "auto") return succeed({ type: "auto", ...parallel });
  if (choice === "required") return succeed({ type: "any", ...parallel });
  if (choice.type !== "function") {
    return unsupported("tool_choice", `tool_choice ${choice.type} is not supported by anthropic`);
  }
  if (!toolNames.has(choice.function.name)) {
    return invalid("tool_choice", `tool_choice names ${choice.function.name}, which is not among the tools`);
  }
  return succeed({ type: "tool", name: choice.function.name, ...parallel });
}

export function toAnthropicTools(request: OpenAiChatRequest): Translated<AnthropicTools> {
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    const choice = request.tool_choice;
    if (choice !== undefined && choice !== null && choice !== "none" && choice !== "auto") {
      return invalid("tool_choice", "tool_choice requires tools");
    }
    return succeed({});
  }
  const converted = toTools(tools);
  if (!converted.ok) return converted;
  const choice = toChoice(request, new Set(converted.value.map((tool) => tool.name)));
  if (!choice.ok) return choice;
  return succeed({ tools: converted.value, tool_choice: choice.value });
}
