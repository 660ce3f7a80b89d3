import { detectAll } from "../detectors/index.ts";
import type { Detector, TextMatch } from "../detectors/types.ts";
import { decodeStringContent, encodeStringContent } from "./json-text-view.ts";
import { PlaceholderRestorer } from "./placeholder-restorer.ts";

export interface TextReplacer {
  /** The text to put in place of a detected entity in model output (e.g. "[EMAIL_3]"), or undefined to leave it. */
  replacementFor(match: TextMatch, value: string): string | undefined;
  /** Placeholders this request created, to put the original values back (restore). Empty map: no restore. */
  readonly restore: ReadonlyMap<string, string>;
}

/** What rendering found, accumulated across calls. */
export interface RenderCounts {
  readonly matches: Map<string, number>;
  restored: number;
}

/**
 * Writes `text[from..to)` as the caller receives it: detected entities replaced, and placeholders
 * restored in the text between entities only. A replacement is final: a `PiiReplacements` adds
 * the placeholders it hands out for model output to its restore map, so restoring inside
 * replacements would put back the very values just redacted. Restored originals are never
 * scanned, because detection ran on the model's text before restoring.
 *
 * `matches` come from detecting a window that may start before `from` (left context already
 * sent). A match that began in that context can only happen when a detector reached further than
 * the hold-back allowed for; its unsent part is still replaced, so no more of the value leaks.
 *
 * `jsonText`: the text is JSON and every match lies inside one string value (json-text-view.ts).
 * The replacer is given the decoded value, as the buffered path gives it (so a value spelled with
 * escapes gets the same placeholder or pseudonym), and what it returns is written escaped.
 */
export function renderText(
  text: string,
  from: number,
  to: number,
  matches: readonly TextMatch[],
  replacer: TextReplacer,
  restorer: PlaceholderRestorer,
  counts: RenderCounts,
  jsonText = false,
): string {
  let out = "";
  let at = from;
  const onRestore = (): void => {
    counts.restored += 1;
  };
  for (const match of matches) {
    if (match.end <= from || match.start >= to) continue;
    const start = Math.max(match.start, from);
    const end = Math.min(match.end, to);
    out += restorer.apply(text.slice(at, start), onRestore);
    counts.matches.set(match.type, (counts.matches.get(match.type) ?? 0) + 1);
    const value = text.slice(match.start, match.end);
    const replacement = replacer.replacementFor(match, jsonText ? decodeStringContent(value) : value);
    if (replacement === undefined) out += text.slice(start, end);
    else out += jsonText ? encodeStringContent(replacement) : replacement;
    at = end;
  }
  return out + restorer.apply(text.slice(at, to), onRestore);
}

/** The whole text at once: the result a stream of its pieces must add up to. */
export function redactRestoreText(
  text: string,
  detectors: readonly Detector[],
  replacer: TextReplacer,
  counts: RenderCounts = { matches: new Map(), restored: 0 },
): string {
  const restorer = new PlaceholderRestorer(replacer.restore);
  return renderText(text, 0, text.length, detectAll(text, detectors), replacer, restorer, counts);
}
