import { formatPath, type JsonPath, stringTokenValue, visitStringValues } from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";
import {
  anthropicMessageText,
  countAnthropicNonTextBlocks,
  countGeminiNonTextParts,
  geminiContentText,
} from "./native-text-fields.ts";

/** Where a piece of text sits in a request, as the policy and the audit see it (never the text). */
export interface TextLocation {
  readonly message_index: number | null;
  readonly role: string | null;
  /** Path inside the message (or the body), e.g. `content`, `content[1].text`, `tool_calls[0].function.arguments`. */
  readonly field: string;
}

/** A JSON string token in a body that a model will read. */
export interface ModelTextField {
  readonly location: TextLocation;
  /** Token span (quotes included) in the body text. */
  readonly start: number;
  readonly end: number;
  /** The decoded string. */
  readonly text: string;
  /** The string is itself JSON (tool-call arguments): scan its string values, keep it valid JSON. */
  readonly jsonEncoded: boolean;
}

export interface ModelTextScan {
  readonly fields: readonly ModelTextField[];
  /** Content parts that are not text (images, audio, files): passed untouched and counted. */
  readonly nonTextParts: number;
}

/**
 * Inside a chat message every string reaches the model except these: structure, ids, and binary
 * payloads (data URLs, base64 audio and files), which are not text a detector can read.
 */
const MESSAGE_KEYS_NOT_TEXT = new Set([
  "role",
  "type",
  "id",
  "tool_call_id",
  "detail",
  "format",
  "url",
  "data",
  "file_data",
  "file_id",
]);
const TEXT_PART_TYPES = new Set(["text", "input_text", "refusal"]);

export function modelTextFields(api: ApiKind, bodyText: string, body: unknown): ModelTextScan {
  const fields: ModelTextField[] = [];
  const select = selectorFor(api, body);
  if (!select) return { fields, nonTextParts: 0 };
  visitStringValues(bodyText, (path, start, end) => {
    const location = select(path);
    if (!location) return;
    fields.push({
      location,
      start,
      end,
      text: stringTokenValue(bodyText, start, end),
      // Only OpenAI carries tool-call arguments as JSON text; native APIs carry objects.
      jsonEncoded: api === "openai.chat_completions" && path.at(-1) === "arguments",
    });
  });
  return { fields, nonTextParts: nonTextParts(api, body) };
}

function nonTextParts(api: ApiKind, body: unknown): number {
  switch (api) {
    case "openai.chat_completions":
      return countNonTextParts(body);
    case "openai.completions":
      return countTokenSequences(body, "prompt");
    case "openai.embeddings":
      return countTokenSequences(body, "input");
    case "anthropic.messages":
      return countAnthropicNonTextBlocks(body);
    case "gemini.generate_content":
    case "gemini.stream_generate_content":
      return countGeminiNonTextParts(body);
    default:
      return 0;
  }
}

type Selector = (path: JsonPath) => TextLocation | undefined;

/** The members that hold the conversation, read field by field; everything else is read as options. */
interface Conversation {
  readonly members: ReadonlySet<string>;
  readonly select: Selector;
}

function selectorFor(api: ApiKind, body: unknown): Selector | undefined {
  const conversation = conversationOf(api, body);
  if (!conversation) return undefined;
  return (path) =>
    typeof path[0] === "string" && conversation.members.has(path[0])
      ? conversation.select(path)
      : optionText(path);
}

const CHAT_MEMBERS: ReadonlySet<string> = new Set(["messages"]);
const PROMPT_MEMBERS: ReadonlySet<string> = new Set(["prompt"]);
const INPUT_MEMBERS: ReadonlySet<string> = new Set(["input"]);
const ANTHROPIC_MEMBERS: ReadonlySet<string> = new Set(["system", "messages"]);
const GEMINI_MEMBERS: ReadonlySet<string> = new Set(["contents", "systemInstruction"]);

function conversationOf(api: ApiKind, body: unknown): Conversation | undefined {
  switch (api) {
    case "openai.chat_completions":
      return { members: CHAT_MEMBERS, select: (path) => chatMessageText(path, body) };
    case "openai.completions":
      return { members: PROMPT_MEMBERS, select: (path) => topLevelText(path, "prompt") };
    case "openai.embeddings":
      return { members: INPUT_MEMBERS, select: (path) => topLevelText(path, "input") };
    case "anthropic.messages":
      return { members: ANTHROPIC_MEMBERS, select: (path) => anthropicMessageText(path, body) };
    case "gemini.generate_content":
    case "gemini.stream_generate_content":
      return {
        members: GEMINI_MEMBERS,
        select: (path) => geminiContentText(path, body),
      };
    default:
      return undefined;
  }
}

/**
 * Outside the conversation a body still carries text that a model reads or a provider keeps: tool
 * and function descriptions, their parameter schemas (descriptions, enum values, examples),
 * response schemas, stop sequences, end-user ids, metadata, and members the gateway does not know
 * yet. All of it is scanned except what is structure to the provider, where a rewrite would change
 * what the request means: the model, names (of tools, functions and schemas), types, and the JSON
 * Schema keywords that name properties or hold patterns. Structure never has the shape of the
 * personal data and secrets detected; a name that is a secret is the one thing left unscanned.
 */
const OPTION_KEYS_NOT_TEXT = new Set([
  "model",
  "name",
  "type",
  "format",
  "pattern",
  "$ref",
  "$schema",
  "$id",
]);
const OPTION_NAME_LISTS = new Set(["required", "propertyOrdering", "allowedFunctionNames"]);

function optionText(path: JsonPath): TextLocation | undefined {
  const key = path.at(-1);
  if (typeof key === "string" && OPTION_KEYS_NOT_TEXT.has(key)) return undefined;
  const list = path.at(-2);
  if (typeof key === "number" && typeof list === "string" && OPTION_NAME_LISTS.has(list)) return undefined;
  return { message_index: null, role: null, field: formatPath(path) };
}

function topLevelText(path: JsonPath, key: string): TextLocation | undefined {
  if (path[0] !== key || path.length > 2) return undefined;
  return { message_index: null, role: null, field: formatPath(path) };
}

function chatMessageText(path: JsonPath, body: unknown): TextLocation | undefined {
  if (path[0] !== "messages" || typeof path[1] !== "number" || path.length < 3) return undefined;
  const key = path.at(-1);
  if (typeof key === "string" && MESSAGE_KEYS_NOT_TEXT.has(key)) return undefined;
  const message = messageAt(body, path[1]);
  const role = typeof message?.role === "string" ? message.role : null;
  return { message_index: path[1], role, field: formatPath(path.slice(2)) };
}

function messageAt(body: unknown, index: number): Record<string, unknown> | undefined {
  if (typeof body !== "object" || body === null || !("messages" in body)) return undefined;
  const messages = body.messages;
  if (!Array.isArray(messages)) return undefined;
  const message: unknown = messages[index];
  return typeof message === "object" && message !== null ? (message as Record<string, unknown>) : undefined;
}

function countNonTextParts(body: unknown): number {
  if (typeof body !== "object" || body === null || !("messages" in body) || !Array.isArray(body.messages)) {
    return 0;
  }
  let count = 0;
  for (const message of body.messages as unknown[]) {
    const content =
      typeof message === "object" && message !== null ? (message as { content?: unknown }).content : null;
    if (!Array.isArray(content)) continue;
    for (const part of content as unknown[]) {
      const type = typeof part === "object" && part !== null ? (part as { type?: unknown }).type : undefined;
      if (typeof type !== "string" || !TEXT_PART_TYPES.has(type)) count += 1;
    }
  }
  return count;
}

/**
 * A prompt or input given as token ids (`[1, 2]`, or `[[1, 2], [3]]`) is text no detector can
 * read: each sequence counts as a part that is not text, so a policy can refuse it.
 */
function countTokenSequences(body: unknown, key: string): number {
  const value =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(value) || value.length === 0) return 0;
  if (value.every((item) => typeof item === "number")) return 1;
  return value.filter((item) => Array.isArray(item)).length;
}
