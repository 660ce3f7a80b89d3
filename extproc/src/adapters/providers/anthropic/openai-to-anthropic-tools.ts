import type { Translated } from "../../../pipeline/provider-translation.ts";
import { FunctionTools, type OpenAiChatRequest } from "../openai-chat-request.ts";
import { invalidRequest, issueParam, translated, unsupportedFeature } from "../translation-result.ts";
import type { AnthropicTool, AnthropicToolChoice } from "./anthropic-request-types.ts";

/** OpenAI `tools`, `tool_choice` and `parallel_tool_calls` to Anthropic `tools` and `tool_choice`. */

interface AnthropicTools {
  readonly tools?: AnthropicTool[];
  readonly tool_choice?: AnthropicToolChoice;
}

// Anthropic requires an object schema; a function without parameters takes none.
const NO_PARAMETERS = { type: "object", properties: {} } as const;

function toTools(tools: NonNullable<OpenAiChatRequest["tools"]>): Translated<AnthropicTool[]> {
  const other = tools.findIndex((tool) => tool.type !== "function");
  if (other >= 0) {
    return unsupportedFeature(
      `${tools[other]?.type} tools are not supported by anthropic`,
      `tools[${other}]`,
    );
  }
  const parsed = FunctionTools.safeParse(tools);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidRequest(
      `invalid tool: ${issue?.message ?? "malformed"}`,
      `tools${issueParam(issue) ?? ""}`,
    );
  }
  // `strict` has no Anthropic counterpart; the schema itself is kept.
  return translated(
    parsed.data.map(({ function: { name, description, parameters } }) => ({
      name,
      ...(description !== undefined ? { description } : {}),
      input_schema: parameters ?? NO_PARAMETERS,
    })),
  );
}

function toChoice(
  request: OpenAiChatRequest,
  toolNames: ReadonlySet<string>,
): Translated<AnthropicToolChoice> {
  const choice = request.tool_choice ?? "auto";
  // OpenAI's parallel_tool_calls=false is Anthropic's disable_parallel_tool_use=true.
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === "none") return translated({ type: "none" });
  if (choice === "auto") return translated({ type: "auto", ...parallel });
  if (choice === "required") return translated({ type: "any", ...parallel });
  if (choice.type !== "function") {
    return unsupportedFeature(`tool_choice ${choice.type} is not supported by anthropic`, "tool_choice");
  }
  if (!toolNames.has(choice.function.name)) {
    return invalidRequest(
      `tool_choice names ${choice.function.name}, which is not among the tools`,
      "tool_choice",
    );
  }
  return translated({ type: "tool", name: choice.function.name, ...parallel });
}

export function toAnthropicTools(request: OpenAiChatRequest): Translated<AnthropicTools> {
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    const choice = request.tool_choice;
    if (choice !== undefined && choice !== null && choice !== "none" && choice !== "auto") {
      return invalidRequest("tool_choice requires tools", "tool_choice");
    }
    return translated({});
  }
  const converted = toTools(tools);
  if (!converted.ok) return converted;
  const choice = toChoice(request, new Set(converted.value.map((tool) => tool.name)));
  if (!choice.ok) return choice;
  return translated({ tools: converted.value, tool_choice: choice.value });
}
