import {
  applyTextEdits,
  type JsonPath,
  jsonStringValues,
  stringTokenValue,
  type TextEdit,
  visitStringValues,
} from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";
import type { Detector } from "./detectors/types.ts";
import { redactRestoreText, type TextReplacer } from "./stream/redact-restore-text.ts";

/**
 * Where a model writes in a (non-streamed) answer: every string inside OpenAI's choices, Anthropic's
 * content blocks and Gemini's candidate parts, whatever its member, so that text in a member the
 * gateway does not know (an audio transcript, a provider's `reasoning_content`, executable code) is
 * read too. Left out: structure (roles, types, ids, names, finish reasons), binary data and URLs,
 * Anthropic's thinking (signed: a rewrite would break it) and logprobs (tokens, not text; see
 * `withoutLogprobs`).
 */
const ANSWER_KEYS_NOT_TEXT = new Set([
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
]);

function isAnswerText(api: ApiKind, path: JsonPath): boolean {
  const within = answerTextRoot(api, path);
  if (within === undefined) return false;
  for (let i = within; i < path.length; i++) {
    const key = path[i];
    // A tool call's own members are the tool's data, whatever they are called.
    if (key !== undefined && i < path.length - 1 && TOOL_CALL_DATA.has(key)) return true;
    if (key === "logprobs") return false;
    if (typeof key === "string" && ANSWER_KEYS_NOT_TEXT.has(key)) return false;
  }
  return true;
}

const TOOL_CALL_DATA: ReadonlySet<string | number> = new Set(["input", "args"]);

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
export interface AnswerPiiResult {
  /** The rewritten body text, or undefined when nothing changed. */
  readonly text: string | undefined;
  readonly matches: ReadonlyMap<string, number>;
}

/**
 * Scans the model's answer, replaces entities it wrote itself as the policy's actions say, and
 * restores this request's placeholders when the replacer carries them. `bodyText` must be JSON:
 * the caller has parsed it already.
 */
export function redactAnswerBody(
  api: ApiKind,
  bodyText: string,
  detectors: readonly Detector[],
  replacer: TextReplacer,
): AnswerPiiResult {
  const edits: TextEdit[] = [];
  const counts = { matches: new Map<string, number>(), restored: 0 };
  visitStringValues(bodyText, (path, start, end) => {
    if (!isAnswerText(api, path)) return;
    const original = stringTokenValue(bodyText, start, end);
    const rewrite = (plain: string): string => redactRestoreText(plain, detectors, replacer, counts);
    // OpenAI's function-call arguments are JSON in a string; the native APIs' are objects, already walked.
    const jsonText = api === "openai.chat_completions" && path.at(-1) === "arguments";
    const text = jsonText ? rewriteJsonStrings(original, rewrite) : rewrite(original);
    if (text !== original) edits.push({ start, end, replacement: JSON.stringify(text) });
  });
  if (edits.length === 0) return { text: undefined, matches: counts.matches };
  const text = applyTextEdits(bodyText, edits);
  return { text: counts.matches.size > 0 ? withoutLogprobs(text) : text, matches: counts.matches };
}

/**
 * Logprobs repeat the answer token by token (`jane`, `.doe`, `@example`): no detector can find an
 * entity cut into tokens, so once the model's own text had something redacted, the choices'
 * logprobs go (null, as when none were asked for) rather than spell it out.
 */
function withoutLogprobs(text: string): string {
  const answer: unknown = JSON.parse(text);
  const choices =
    typeof answer === "object" && answer !== null ? (answer as { choices?: unknown }).choices : undefined;
  if (typeof choices !== "object" || choices === null) return text;
  let dropped = false;
  for (const choice of Object.values(choices)) {
    if (typeof choice === "object" && choice !== null && (choice as { logprobs?: unknown }).logprobs) {
      (choice as { logprobs: unknown }).logprobs = null;
      dropped = true;
    }
  }
  return dropped ? JSON.stringify(answer) : text;
}

/**
 * Tool-call arguments are JSON inside a string: each of their string values is rewritten on its
 * own and re-escaped, so a restored value with quotes still leaves valid JSON. Arguments that are
 * not JSON are rewritten as plain text.
 */
function rewriteJsonStrings(text: string, rewrite: (plain: string) => string): string {
  const values = jsonStringValues(text);
  if (values === undefined) return rewrite(text);
  const edits: TextEdit[] = [];
  for (const { start, end, value } of values) {
    const next = rewrite(value);
    if (next !== value) edits.push({ start, end, replacement: JSON.stringify(next) });
  }
  return applyTextEdits(text, edits);
}
