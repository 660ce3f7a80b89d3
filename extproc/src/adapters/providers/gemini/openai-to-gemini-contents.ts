import type { Translated } from "../../../pipeline/provider-translation.ts";
import { type ChatMessage, toolCallArguments } from "../openai-chat-request.ts";
import { invalidRequest, translated } from "../translation-result.ts";
import type { GeminiContent, GeminiPart } from "./gemini-request-types.ts";
import { userPart } from "./openai-to-gemini-parts.ts";
import { unknownToolCall, unsupported } from "./translation-failures.ts";

/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`. System and developer messages, wherever
 * they sit, join the one systemInstruction Gemini has. user → "user", assistant → "model", and tool
 * results → "user" turns of `functionResponse` parts (the role current Gemini docs use). Gemini
 * wants turns to alternate, so consecutive turns of one role are merged into one.
 */

/**
 * Gemini 3 refuses a replayed functionCall part without the thought signature it was issued with,
 * and OpenAI's tool_calls have no field to carry one. Google documents this value as the signature
 * to send when the original is not available; older models ignore it.
 */
const THOUGHT_SIGNATURE_PLACEHOLDER = "skip_thought_signature_validator";

interface GeminiConversation {
  readonly systemTexts: string[];
  readonly contents: GeminiContent[];
}

type TextContent = string | readonly { text: string }[];

function joinText(content: TextContent): string {
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function append(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function userParts(message: Extract<ChatMessage, { role: "user" }>, param: string): Translated<GeminiPart[]> {
  if (typeof message.content === "string") return translated([{ text: message.content }]);
  const parts: GeminiPart[] = [];
  for (const [i, part] of message.content.entries()) {
    const converted = userPart(part, `${param}.content[${i}]`);
    if (!converted.ok) return converted;
    parts.push(converted.value);
  }
  return translated(parts);
}

function assistantParts(
  message: Extract<ChatMessage, { role: "assistant" }>,
  param: string,
  callNames: Map<string, string>,
): Translated<GeminiPart[]> {
  if (message.audio !== undefined && message.audio !== null)
    return unsupported("assistant audio", `${param}.audio`);
  if (message.function_call !== undefined && message.function_call !== null) {
    return unsupported("the legacy function_call message field (use tool_calls)", `${param}.function_call`);
  }
  const parts: GeminiPart[] = [];
  const content = message.content ?? "";
  const text =
    typeof content === "string"
      ? content
      : content.map((p) => (p.type === "text" ? p.text : p.refusal)).join("");
  if (text !== "") parts.push({ text });
  for (const [i, call] of (message.tool_calls ?? []).entries()) {
    const at = `${param}.tool_calls[${i}].function.arguments`;
    const args = toolCallArguments(call.function.arguments);
    if (args === undefined) return invalidRequest("tool call arguments must be a JSON object", at);
    callNames.set(call.id, call.function.name);
    parts.push({ functionCall: { name: call.function.name, args } });
  }
  return translated(parts);
}

/** Gemini's functionResponse.response is an object; a JSON object result is passed as is. */
function toolResponse(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
    return { output: parsed };
  } catch {
    return { output: content };
  }
}

function withThoughtSignatures(contents: GeminiContent[]): GeminiContent[] {
  return contents.map((content) => {
    if (content.role !== "model") return content;
    const first = content.parts.findIndex((part) => "functionCall" in part);
    if (first < 0) return content;
    const parts = content.parts.map((part, i) =>
      i === first ? { ...part, thoughtSignature: THOUGHT_SIGNATURE_PLACEHOLDER } : part,
    );
    return { role: content.role, parts };
  });
}

export function openAiMessagesToGemini(messages: readonly ChatMessage[]): Translated<GeminiConversation> {
  const systemTexts: string[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  for (const [i, message] of messages.entries()) {
    const param = `messages[${i}]`;
    switch (message.role) {
      case "system":
      case "developer":
        systemTexts.push(joinText(message.content));
        break;
      case "user": {
        const parts = userParts(message, param);
        if (!parts.ok) return parts;
        append(contents, "user", parts.value);
        break;
      }
      case "assistant": {
        const parts = assistantParts(message, param, callNames);
        if (!parts.ok) return parts;
        append(contents, "model", parts.value);
        break;
      }
      case "tool": {
        const name = callNames.get(message.tool_call_id);
        if (name === undefined) return unknownToolCall(message.tool_call_id, `${param}.tool_call_id`);
        const response = toolResponse(joinText(message.content));
        append(contents, "user", [{ functionResponse: { name, response } }]);
        break;
      }
      case "function":
        return unsupported("the legacy function role (use tool)", `${param}.role`);
    }
  }
  if (contents.length === 0)
    return unsupported("a conversation without user or assistant messages", "messages");
  return translated({ systemTexts, contents: withThoughtSignatures(contents) });
}
