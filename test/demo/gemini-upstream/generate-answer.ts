import { newId } from "../openai-upstream/response-stamps.ts";
import { countTokens, truncateToTokens } from "../openai-upstream/token-count.ts";
import type { Content, FunctionDeclaration, GenerateContentRequest, Part, Schema } from "./request-schema.ts";

/**
 * The mock model: echoes the last user text ("Echo: ..."), answers a tool result by describing it,
 * calls the first declared function when asked to "use the tool" (or when toolConfig forces a
 * call), honours maxOutputTokens, stopSequences, candidateCount and JSON output, and counts tokens.
 */

export type AnswerPart = { text: string } | { functionCall: { name: string; args: Record<string, unknown> } };

export interface Answer {
  readonly parts: AnswerPart[];
  readonly finishReason: "STOP" | "MAX_TOKENS";
  readonly tokens: number;
}

export interface GeneratedResponse {
  readonly answers: Answer[];
  readonly promptTokens: number;
  readonly responseId: string;
}

function lastUserContent(contents: readonly Content[]): Content | undefined {
  return [...contents].reverse().find((c) => c.role !== "model");
}

function partText(parts: readonly Part[]): string {
  return parts.map((p) => p.text ?? "").join("");
}

function sampleValue(schema: Schema | undefined): unknown {
  switch (String(schema?.type ?? "string").toUpperCase()) {
    case "NUMBER":
    case "INTEGER":
      return 1;
    case "BOOLEAN":
      return true;
    case "ARRAY":
      return [];
    case "OBJECT":
      return sampleArgs(schema);
    default:
      return Array.isArray(schema?.enum) ? schema.enum[0] : "example";
  }
}

function sampleArgs(schema: Schema | undefined): Record<string, unknown> {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = (schema?.required ?? []) as string[];
  return Object.fromEntries(required.map((name) => [name, sampleValue(properties[name])]));
}

function functionToCall(request: GenerateContentRequest, userText: string): FunctionDeclaration | undefined {
  const declared = (request.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
  const config = request.toolConfig?.functionCallingConfig;
  if (declared.length === 0 || config?.mode === "NONE") return undefined;
  const allowed = config?.allowedFunctionNames;
  const candidates = allowed ? declared.filter((d) => allowed.includes(d.name)) : declared;
  if (config?.mode === "ANY" || userText.includes("use the tool")) return candidates[0];
  return undefined;
}

function textAnswer(text: string, request: GenerateContentRequest): Answer {
  const config = request.generationConfig;
  const stop = (config?.stopSequences ?? []).map((s) => text.indexOf(s)).filter((i) => i >= 0);
  const stopped = stop.length > 0 ? text.slice(0, Math.min(...stop)) : text;
  const cut = truncateToTokens(stopped, config?.maxOutputTokens);
  return {
    parts: [{ text: cut.text }],
    finishReason: cut.cut ? "MAX_TOKENS" : "STOP",
    tokens: countTokens(cut.text),
  };
}

function answer(request: GenerateContentRequest): Answer {
  const last = lastUserContent(request.contents);
  const responses = (last?.parts ?? []).flatMap((p) => (p.functionResponse ? [p.functionResponse] : []));
  if (responses.length > 0) {
    const said = responses.map((r) => `The tool ${r.name} answered ${JSON.stringify(r.response)}.`).join(" ");
    return textAnswer(said, request);
  }
  const userText = partText(last?.parts ?? []);
  const fn = functionToCall(request, userText);
  if (fn) {
    const args = sampleArgs(fn.parameters);
    return { parts: [{ functionCall: { name: fn.name, args } }], finishReason: "STOP", tokens: 8 };
  }
  const json = request.generationConfig?.responseMimeType === "application/json";
  return textAnswer(json ? JSON.stringify({ echo: userText }) : `Echo: ${userText}`, request);
}

function promptTokens(request: GenerateContentRequest): number {
  const contents = [...request.contents, ...(request.systemInstruction ? [request.systemInstruction] : [])];
  return contents.reduce((sum, c) => sum + countTokens(JSON.stringify(c.parts)), 0);
}

export function generate(request: GenerateContentRequest): GeneratedResponse {
  const n = request.generationConfig?.candidateCount ?? 1;
  const one = answer(request);
  return {
    answers: Array.from({ length: n }, () => one),
    promptTokens: promptTokens(request),
    responseId: newId(""),
  };
}
