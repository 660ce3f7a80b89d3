import { countTokens } from "../openai-upstream/token-count.ts";
import { anthropicId } from "./ids.ts";
import type { ContentBlock, Message, MessagesRequest, Tool } from "./request-schemas.ts";

/**
 * What the mock model says: an echo of the last user text, or a tool_use block when tools are
 * offered and the user asks to "use the tool" (or tool_choice forces one). Honours max_tokens and
 * stop_sequences the way Anthropic reports them (stop_reason max_tokens / stop_sequence).
 */

export type AnswerBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface Answer {
  content: AnswerBlock[];
  stop_reason: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";
  stop_sequence: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

function blocksText(content: Message["content"] | ContentBlock[] | string | undefined): string {
  if (content === undefined) return "";
  if (typeof content === "string") return content;
  return content
    .map((block) => {
      if (block.type === "text") return block.text;
      if (block.type === "tool_result") return blocksText(block.content);
      if (block.type === "tool_use") return JSON.stringify(block.input);
      return "";
    })
    .join("");
}

function lastUserText(messages: readonly Message[]): { text: string; isToolResult: boolean } {
  const last = [...messages].reverse().find((m) => m.role === "user");
  const isToolResult = Array.isArray(last?.content) && last.content.some((b) => b.type === "tool_result");
  return { text: blocksText(last?.content), isToolResult };
}

/** A small input that fits the tool's schema: one example value per declared property. */
function exampleInput(tool: Tool): Record<string, unknown> {
  const properties = (tool.input_schema.properties ?? {}) as Record<string, { type?: unknown }>;
  const input: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (schema.type === "string") input[name] = "Paris";
    else if (schema.type === "number" || schema.type === "integer") input[name] = 3;
    else if (schema.type === "boolean") input[name] = true;
  }
  return input;
}

function chosenTool(request: MessagesRequest, text: string, isToolResult: boolean): Tool | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? { type: "auto" };
  if (tools.length === 0 || choice.type === "none" || isToolResult) return undefined;
  if (choice.type === "tool") return tools.find((tool) => tool.name === choice.name);
  if (choice.type === "any" || text.toLowerCase().includes("use the tool")) return tools[0];
  return undefined;
}

function cutText(
  text: string,
  request: MessagesRequest,
): Pick<Answer, "stop_reason" | "stop_sequence"> & { text: string } {
  const hits = (request.stop_sequences ?? [])
    .map((sequence) => ({ sequence, at: text.indexOf(sequence) }))
    .filter((hit) => hit.at >= 0)
    .sort((a, b) => a.at - b.at);
  const first = hits[0];
  const stopped = first ? text.slice(0, first.at) : text;
  if (countTokens(stopped) > request.max_tokens) {
    return { text: stopped.slice(0, request.max_tokens * 4), stop_reason: "max_tokens", stop_sequence: null };
  }
  if (first) return { text: stopped, stop_reason: "stop_sequence", stop_sequence: first.sequence };
  return { text: stopped, stop_reason: "end_turn", stop_sequence: null };
}

export function inputTokens(request: MessagesRequest): number {
  const system = typeof request.system === "string" ? request.system : blocksText(request.system);
  const tools = request.tools ? JSON.stringify(request.tools) : "";
  return request.messages.reduce(
    (sum, m) => sum + 4 + countTokens(blocksText(m.content)),
    countTokens(system + tools) + 3,
  );
}

export function answer(request: MessagesRequest): Answer {
  const { text, isToolResult } = lastUserText(request.messages);
  const tool = chosenTool(request, text, isToolResult);
  const input_tokens = inputTokens(request);
  if (tool) {
    const preface = `I'll use the ${tool.name} tool.`;
    const input = exampleInput(tool);
    return {
      content: [
        { type: "text", text: preface },
        { type: "tool_use", id: anthropicId("toolu"), name: tool.name, input },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens, output_tokens: countTokens(preface) + countTokens(JSON.stringify(input)) + 10 },
    };
  }
  const cut = cutText(`${isToolResult ? "Tool said" : "Echo"}: ${text}`, request);
  return {
    content: cut.text === "" ? [] : [{ type: "text", text: cut.text }],
    stop_reason: cut.stop_reason,
    stop_sequence: cut.stop_sequence,
    usage: { input_tokens, output_tokens: countTokens(cut.text) },
  };
}
