import { detectAll } from "./detectors/detect-all.ts";
import type { Detector, TextMatch } from "./detectors/types.ts";
import type { ModelTextField } from "./model-text-fields.ts";
import type { TextScanUnit } from "./text-scan-units.ts";

/**
 * An entity cut in two across adjacent text parts of one message (`"key AKIAIOSFOD"`,
 * `"NN7EXAMPLE"`) reaches the model whole, since it reads the parts as one text, while each part
 * alone holds no entity. The seam between two such parts is scanned too; an entity across it is
 * one finding, redacted as one: its placeholder stands where it starts, and the rest of it, in the
 * next part, is erased.
 */

/** A match that a seam gave a unit: the value is the whole entity, `erase` marks its continuation. */
export interface SeamMatch extends TextMatch {
  readonly value?: string;
  readonly erase?: boolean;
}

// Longer than any entity but PEM keys and JWTs, which are not split across parts by accident.
const SEAM_WINDOW = 512;
const TEXT_PART = /^(.*)\[(\d+)\]\.text$/;

/**
 * Matches across the seams of adjacent text parts, per unit index: for the unit where an entity
 * starts, its start up to the unit's end (with the whole value); for the unit where it goes on,
 * its continuation (to erase).
 */
export function seamMatches(
  fields: readonly ModelTextField[],
  units: readonly TextScanUnit[],
  own: readonly (readonly TextMatch[])[],
  detectors: readonly Detector[],
): Map<number, SeamMatch[]> {
  const found = new Map<number, SeamMatch[]>();
  const add = (index: number, match: SeamMatch): void => {
    const list = found.get(index) ?? [];
    list.push(match);
    found.set(index, list);
  };
  for (let i = 0; i + 1 < units.length; i++) {
    const before = units[i] as TextScanUnit;
    const after = units[i + 1] as TextScanUnit;
    if (!adjacentTextParts(fields, before, after)) continue;
    const tail = before.text.slice(-SEAM_WINDOW);
    const head = after.text.slice(0, SEAM_WINDOW);
    const seam = tail + head;
    const tailStart = before.text.length - tail.length;
    for (const match of detectAll(seam, detectors)) {
      if (match.start >= tail.length || match.end <= tail.length) continue;
      const start = tailStart + match.start;
      const end = match.end - tail.length;
      // Parts are often separate on purpose (one per paragraph): an entity that one part already
      // holds whole (an address ending one part, a word starting the next) is not one across both.
      if (covered(own[i], match.type, start, before.text.length) || covered(own[i + 1], match.type, 0, end)) {
        continue;
      }
      add(i, { type: match.type, start, end: before.text.length, value: seam.slice(match.start, match.end) });
      add(i + 1, { type: match.type, start: 0, end, erase: true });
    }
  }
  return found;
}

/** Two whole text parts that follow each other in one content list (`content[k].text`, `[k+1]`). */
function adjacentTextParts(fields: readonly ModelTextField[], a: TextScanUnit, b: TextScanUnit): boolean {
  if (a.inner || b.inner || b.fieldIndex !== a.fieldIndex + 1) return false;
  const first = fields[a.fieldIndex]?.location;
  const second = fields[b.fieldIndex]?.location;
  if (!first || !second || first.message_index !== second.message_index || first.role !== second.role) {
    return false;
  }
  const x = TEXT_PART.exec(first.field);
  const y = TEXT_PART.exec(second.field);
  return x !== null && y !== null && x[1] === y[1] && Number(y[2]) === Number(x[2]) + 1;
}

/** Whether a match of `type` already covers `start`..`end` on its own. */
function covered(
  matches: readonly TextMatch[] | undefined,
  type: string,
  start: number,
  end: number,
): boolean {
  return (matches ?? []).some((m) => m.type === type && m.start <= start && m.end >= end);
}

/** A unit's own matches, less those a seam match overlaps (the longer entity wins), in order. */
export function withSeamMatches(
  own: readonly TextMatch[],
  seam: readonly SeamMatch[] | undefined,
): readonly SeamMatch[] {
  if (!seam || seam.length === 0) return own;
  const kept = own.filter((match) => seam.every((s) => match.end <= s.start || match.start >= s.end));
  return [...kept, ...seam].sort((x, y) => x.start - y.start);
}
