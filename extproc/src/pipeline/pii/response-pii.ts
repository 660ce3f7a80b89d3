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
 * Where a model writes text in a (non-streamed) answer: OpenAI's choices; Anthropic's text blocks
 * and each string of a tool_use `input` (thinking is signed and left as written); Gemini's
 * candidate part texts and each string of a `functionCall.args`.
 */
function isAnswerText(api: ApiKind, path: JsonPath): boolean {
  if (api === "anthropic.messages") {
    if (path[0] !== "content" || typeof path[1] !== "number") return false;
    return (path.length === 3 && path[2] === "text") || (path[2] === "input" && path.length > 3);
  }
  if (api === "gemini.generate_content" || api === "gemini.stream_generate_content") {
    if (path[0] !== "candidates" || typeof path[1] !== "number" || path[2] !== "content") return false;
    if (path[3] !== "parts" || typeof path[4] !== "number") return false;
    return (path.length === 6 && path[5] === "text") || (path[5] === "functionCall" && path[6] === "args");
  }
  if (path[0] !== "choices" || typeof path[1] !== "number") return false;
  if (api === "openai.completions") return path.length === 3 && path[2] === "text";
  if (api !== "openai.chat_completions" || path[2] !== "message") return false;
  const key = path[3];
  if (path.length === 4) return key === "content" || key === "refusal";
  return key === "tool_calls" && path.at(-1) === "arguments";
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
    // OpenAI's tool-call arguments are JSON in a string; the native APIs' are objects, already walked.
    const jsonText = api === "openai.chat_completions" && path.at(-1) === "arguments";
    const text = jsonText ? rewriteJsonStrings(original, rewrite) : rewrite(original);
    if (text !== original) edits.push({ start, end, replacement: JSON.stringify(text) });
  });
  return { text: edits.length > 0 ? applyTextEdits(bodyText, edits) : undefined, matches: counts.matches };
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
