import { detectAll } from "./detectors/detect-all.ts";
import type { Detector, TextMatch } from "./detectors/types.ts";
import type { ModelTextField } from "./model-text-fields.ts";
import type { TextScanUnit } from "./text-scan-units.ts";

/**
 * An entity cut across adjacent text parts of one message (`"key AKIAIOSFOD"`, `"NN7EXAMPLE"`, or
 * in more pieces, a short part in the middle) reaches the model whole, since it reads the parts as
 * one text, while no part alone holds it. Each run of adjacent text parts is read as one text
 * around each seam; an entity across a seam is one finding, redacted as one: its placeholder stands
 * where it starts, and the rest of it, in the parts after, is erased.
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
 * Matches across the seams of runs of adjacent text parts, per unit index: for the unit where an
 * entity starts, its start up to the unit's end (with the whole value); for each unit it goes on
 * into, its continuation (to erase).
 */
export function seamMatches(
  fields: readonly ModelTextField[],
  units: readonly TextScanUnit[],
  own: readonly (readonly TextMatch[])[],
  detectors: readonly Detector[],
): Map<number, SeamMatch[]> {
  const found = new Map<number, SeamMatch[]>();
  let first = 0;
  for (let i = 1; i <= units.length; i++) {
    const joined =
      i < units.length && adjacentTextParts(fields, units[i - 1] as TextScanUnit, units[i] as TextScanUnit);
    if (joined) continue;
    if (i - first > 1) runMatches(units, own, first, i, detectors, found);
    first = i;
  }
  return found;
}

/** The entities across the seams of units `from`..`to` (exclusive), a run of adjacent text parts. */
function runMatches(
  units: readonly TextScanUnit[],
  own: readonly (readonly TextMatch[])[],
  from: number,
  to: number,
  detectors: readonly Detector[],
  found: Map<number, SeamMatch[]>,
): void {
  const texts = units.slice(from, to).map((unit) => unit.text);
  const text = texts.join("");
  // starts[k]: where part k begins in the joined text; starts[k + 1] is a seam.
  const starts: number[] = [0];
  for (const part of texts) starts.push((starts.at(-1) as number) + part.length);
  const partAt = (offset: number): number =>
    starts.findLastIndex((start, k) => k < texts.length && start <= offset);
  const crossing = new Map<string, TextMatch>();
  for (const seam of starts.slice(1, -1)) {
    const windowStart = Math.max(0, seam - SEAM_WINDOW);
    const window = text.slice(windowStart, seam + SEAM_WINDOW);
    for (const match of detectAll(window, detectors)) {
      const start = windowStart + match.start;
      const end = windowStart + match.end;
      if (partAt(start) === partAt(end - 1)) continue;
      crossing.set(`${start}:${end}:${match.type}`, { type: match.type, start, end });
    }
  }
  let taken = 0;
  for (const match of [...crossing.values()].sort((x, y) => x.start - y.start)) {
    if (match.start < taken) continue;
    const firstPart = partAt(match.start);
    const lastPart = partAt(match.end - 1);
    const startInFirst = match.start - (starts[firstPart] as number);
    const endInLast = match.end - (starts[lastPart] as number);
    // Parts are often separate on purpose (one per paragraph): an entity that one part already
    // holds whole (an address ending one part, a word starting the next) is not one across both.
    const firstLength = texts[firstPart]?.length ?? 0;
    if (
      covered(own[from + firstPart], match.type, startInFirst, firstLength) ||
      covered(own[from + lastPart], match.type, 0, endInLast)
    ) {
      continue;
    }
    taken = match.end;
    const value = text.slice(match.start, match.end);
    add(found, from + firstPart, { type: match.type, start: startInFirst, end: firstLength, value });
    for (let k = firstPart + 1; k <= lastPart; k++) {
      const end = k === lastPart ? endInLast : (texts[k]?.length ?? 0);
      add(found, from + k, { type: match.type, start: 0, end, erase: true });
    }
  }
}

function add(found: Map<number, SeamMatch[]>, index: number, match: SeamMatch): void {
  const list = found.get(index) ?? [];
  list.push(match);
  found.set(index, list);
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
