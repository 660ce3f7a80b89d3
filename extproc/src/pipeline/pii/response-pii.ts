import {
  applyTextEdits,
  jsonStringValues,
  memberValueSpans,
  stringTokenValue,
  type TextEdit,
  visitStringValues,
} from "../json-string-values.ts";
import type { ApiKind } from "../policy-input.ts";
import { MAX_JSON_DEPTH } from "../strict-json.ts";
import { isAnswerText, isJsonTextAnswer } from "./answer-text.ts";
import type { Detector } from "./detectors/types.ts";
import { redactRestoreText, type TextReplacer } from "./stream/redact-restore-text.ts";

export interface AnswerPiiResult {
  /** The rewritten body text, or undefined when nothing changed. */
  readonly text: string | undefined;
  readonly matches: ReadonlyMap<string, number>;
  /** The answer nests deeper than any answer a model writes: it was not read, and must not pass. */
  readonly tooDeep?: boolean;
}

const ANSWER_SCAN_LIMITS = { rejectDuplicateKeys: false, maxDepth: MAX_JSON_DEPTH };

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
  // Bounded like a request body: each string's place is judged along its whole path.
  const problem = visitStringValues(
    bodyText,
    (path, start, end) => {
      if (!isAnswerText(api, path)) return;
      const original = stringTokenValue(bodyText, start, end);
      const rewrite = (plain: string): string => redactRestoreText(plain, detectors, replacer, counts);
      // Where the model writes is one rule for JSON and streamed answers alike: see answer-text.ts.
      const text = isJsonTextAnswer(api, path) ? rewriteJsonStrings(original, rewrite) : rewrite(original);
      if (text !== original) edits.push({ start, end, replacement: JSON.stringify(text) });
    },
    ANSWER_SCAN_LIMITS,
  );
  if (problem) return { text: undefined, matches: counts.matches, tooDeep: true };
  if (edits.length === 0) return { text: undefined, matches: counts.matches };
  const text = applyTextEdits(bodyText, edits);
  return { text: counts.matches.size > 0 ? withoutLogprobs(text) : text, matches: counts.matches };
}

/**
 * Logprobs repeat the answer token by token (`jane`, `.doe`, `@example`): no detector can find an
 * entity cut into tokens, so once the model's own text had something redacted, OpenAI's
 * `logprobs` and Gemini's `logprobsResult` become null (as when none were asked for) rather than
 * spell it out. Edited as text: every other byte of the answer stays as the provider wrote it.
 */
function withoutLogprobs(text: string): string {
  const edits: TextEdit[] = [
    ...memberValueSpans(text, "logprobs"),
    ...memberValueSpans(text, "logprobsResult"),
  ]
    .filter(({ start, end }) => text.slice(start, end) !== "null")
    .map(({ start, end }) => ({ start, end, replacement: "null" }));
  return applyTextEdits(text, edits);
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
