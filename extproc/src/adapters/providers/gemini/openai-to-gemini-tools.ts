import type { Translated } from "../../../pipeline/provider-translation.ts";
import { FunctionTools, type OpenAiChatRequest, type ToolChoice } from "../openai-chat-request.ts";
import { invalidRequest, issueParam, translated } from "../translation-result.ts";
import type { GeminiFunctionDeclaration, GeminiToolConfig } from "./gemini-request-types.ts";
import { jsonSchemaToGemini } from "./json-schema-to-gemini.ts";
import { unsupported } from "./translation-failures.ts";

/**
 * OpenAI `tools` → Gemini `functionDeclarations`, and `tool_choice` → `functionCallingConfig`:
 * none → NONE, auto → AUTO, required → ANY, a named function → ANY limited to that name.
 * `strict` is accepted but not enforced by Gemini: its function calling has no strict mode.
 */

interface GeminiTools {
  readonly declarations: GeminiFunctionDeclaration[];
  readonly toolConfig: GeminiToolConfig | undefined;
}

// Gemini's rule for function names (FunctionDeclaration.name); OpenAI also allows a leading digit or dash.
const GEMINI_FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

function declarations(tools: readonly unknown[]): Translated<GeminiFunctionDeclaration[]> {
  const nonFunction = tools.findIndex((t) => (t as { type?: unknown }).type !== "function");
  if (nonFunction >= 0) return unsupported("tools other than type 'function'", `tools[${nonFunction}].type`);
  const parsed = FunctionTools.safeParse(tools);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalidRequest(
      `invalid tool: ${issue?.message ?? "malformed"}`,
      `tools${issueParam(issue) ?? ""}`,
    );
  }
  const out: GeminiFunctionDeclaration[] = [];
  for (const [i, { function: fn }] of parsed.data.entries()) {
    const param = `tools[${i}].function`;
    if (!GEMINI_FUNCTION_NAME.test(fn.name)) {
      return unsupported(
        `the function name '${fn.name}' (Gemini names start with a letter or _)`,
        `${param}.name`,
      );
    }
    let parameters: Record<string, unknown> | undefined;
    if (fn.parameters !== undefined) {
      const converted = jsonSchemaToGemini(fn.parameters, `${param}.parameters`);
      if (!converted.ok) return converted;
      parameters = converted.value;
    }
    out.push({
      name: fn.name,
      ...(fn.description !== undefined ? { description: fn.description } : {}),
      ...(parameters !== undefined ? { parameters } : {}),
    });
  }
  return translated(out);
}

function toolConfig(choice: ToolChoice, names: ReadonlySet<string>): Translated<GeminiToolConfig> {
  if (choice === "none") return translated({ functionCallingConfig: { mode: "NONE" } });
  if (choice === "auto") return translated({ functionCallingConfig: { mode: "AUTO" } });
  if (choice === "required") return translated({ functionCallingConfig: { mode: "ANY" } });
  if (choice.type !== "function") return unsupported(`tool_choice ${choice.type}`, "tool_choice");
  const name = choice.function.name;
  if (!names.has(name))
    return invalidRequest(`tool_choice names '${name}', which is not in tools`, "tool_choice");
  return translated({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: [name] } });
}

export function openAiToolsToGemini(request: OpenAiChatRequest): Translated<GeminiTools> {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? undefined;
  if (tools.length === 0) {
    // OpenAI refuses a tool_choice without tools the same way.
    if (choice !== undefined && choice !== "none") {
      return invalidRequest("tool_choice is only allowed when tools are specified", "tool_choice");
    }
    return translated({ declarations: [], toolConfig: undefined });
  }
  const declared = declarations(tools);
  if (!declared.ok) return declared;
  if (choice === undefined) return translated({ declarations: declared.value, toolConfig: undefined });
  const config = toolConfig(choice, new Set(declared.value.map((d) => d.name)));
  if (!config.ok) return config;
  return translated({ declarations: declared.value, toolConfig: config.value });
}
