import type { JsonPath } from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";

/**
 * Which strings of an answer the model wrote: the one rule for a buffered JSON answer
 * (response-pii.ts, walking the body text) and for every chunk of a streamed one (the codecs of
 * stream/, walking each parsed event with the same paths), so the two cannot drift.
 *
 * Every string inside OpenAI's choices, Anthropic's content blocks and Gemini's candidate parts,
 * whatever its member, so that text in a member the gateway does not know (an audio transcript, a
 * provider's `reasoning_content`, executable code) is read too. Left out: structure (roles, types,
 * ids, names, finish reasons), binary data and URLs, Anthropic's thinking (signed: a rewrite would
 * break it; another API's thinking is read) and logprobs (tokens, not text: the answer paths drop them instead).
 */
const ANSWER_KEYS_NOT_TEXT: ReadonlySet<string> = new Set([
  "role",
  "type",
  "id",
  "name",
  "finish_reason",
  "stop_reason",
  "tool_use_id",
  "url",
  "data",
  "media_type",
  "mimeType",
  "fileUri",
  "thoughtSignature",
  "signature",
  "thinking",
  // Opaque to the caller and the model alike; a rewrite would only corrupt them.
  "encrypted_content",
  "encrypted_index",
]);

/** A tool call's own members are the tool's data, whatever they are called. */
const TOOL_CALL_DATA: ReadonlySet<string | number> = new Set(["input", "args"]);

/**
 * True when the string at `path` (from the root of an answer body, or of one streamed event laid
 * out the same way: `choices[i]…` for an OpenAI chunk, `content[i]…` for an Anthropic block or
 * delta, `candidates[i].content.parts[j]…` for a Gemini chunk) is text the model wrote.
 */
export function isAnswerText(api: ApiKind, path: JsonPath): boolean {
  const within = answerTextRoot(api, path);
  if (within === undefined) return false;
  for (let i = within; i < path.length; i++) {
    const key = path[i];
    if (key !== undefined && i < path.length - 1 && TOOL_CALL_DATA.has(key)) return true;
    if (key === "logprobs") return false;
    if (typeof key === "string" && ANSWER_KEYS_NOT_TEXT.has(key)) {
      // Only Anthropic signs its thinking; elsewhere (an OpenAI-compatible server's thinking
      // parts) it is text the caller reads like any other.
      return key === "thinking" && api !== "anthropic.messages";
    }
  }
  return true;
}

/**
 * OpenAI's function-call and tool-call arguments are JSON in a string (the native APIs' are
 * objects, whose strings are walked one by one): their string values are what a detector reads.
 */
export function isJsonTextAnswer(api: ApiKind, path: JsonPath): boolean {
  return api === "openai.chat_completions" && path.at(-1) === "arguments";
}

/** Where the model's own output starts in the answer's paths, or undefined outside it. */
function answerTextRoot(api: ApiKind, path: JsonPath): number | undefined {
  if (api === "anthropic.messages")
    return path[0] === "content" && typeof path[1] === "number" ? 2 : undefined;
  if (api === "gemini.generate_content" || api === "gemini.stream_generate_content") {
    return path[0] === "candidates" && path[2] === "content" && path[3] === "parts" ? 4 : undefined;
  }
  if (api !== "openai.chat_completions" && api !== "openai.completions") return undefined;
  // `choices[i]`, and `choices["0"]` from a server that sends an object: the SDK reads both.
  return path[0] === "choices" && path.length > 2 ? 2 : undefined;
}

/** An object or an array of a parsed answer, whose members may be rewritten in place. */
export type JsonContainer = Record<string, unknown> | unknown[];

export type AnswerStringVisitor = (owner: JsonContainer, key: string | number, path: JsonPath) => void;

/**
 * Calls `visit` for every string the model wrote inside `value`, a parsed part of an answer that
 * sits at `path` (see isAnswerText), in document order; `visit` may replace the string in its
 * owner. The path it is given is only valid during the call.
 */
export function visitAnswerStrings(
  api: ApiKind,
  value: unknown,
  path: JsonPath,
  visit: AnswerStringVisitor,
): void {
  if (typeof value === "object" && value !== null) walk(api, value as JsonContainer, [...path], visit);
}

/** Loops rather than closures and for-in over each object: this runs for every streamed event. */
function walk(
  api: ApiKind,
  container: JsonContainer,
  at: (string | number)[],
  visit: AnswerStringVisitor,
): void {
  if (Array.isArray(container)) {
    for (let position = 0; position < container.length; position++) {
      visitItem(api, container, position, container[position], at, visit);
    }
    return;
  }
  for (const key in container) visitItem(api, container, key, container[key], at, visit);
}

function visitItem(
  api: ApiKind,
  container: JsonContainer,
  key: string | number,
  item: unknown,
  at: (string | number)[],
  visit: AnswerStringVisitor,
): void {
  if (typeof item === "string") {
    at.push(key);
    if (isAnswerText(api, at)) visit(container, key, at);
    at.pop();
  } else if (typeof item === "object" && item !== null) {
    at.push(key);
    walk(api, item as JsonContainer, at, visit);
    at.pop();
  }
}

/**
 * The items of a list the SDKs index by position, given as an array or (by some servers) as an
 * object keyed "0", "1", …: `[key, item]` in order; none for anything else.
 */
export function entriesOf(value: unknown): [key: string | number, item: unknown][] {
  if (Array.isArray(value)) return value.map((item, position) => [position, item]);
  if (typeof value === "object" && value !== null) return Object.entries(value);
  return [];
}
