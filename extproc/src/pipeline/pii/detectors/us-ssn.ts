import { isLeftBoundary, isRightBoundary } from "./char-classes.ts";
import { DASH, DOT, type NumericRun, numericRuns, SPACE } from "./numeric-runs.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * US_SSN: AAA-GG-SSSS or AAA GG SSSS with the SSA's valid ranges only (area not 000, 666 or
 * 900–999; group not 00; serial not 0000).
 *
 * Bare nine digits count only when a context word ("ssn", "social security", "soc sec") appears in
 * the 32 characters before them: on their own they are as likely an order or account number.
 * The spaced form must stand alone (not inside a longer run of space-separated numbers, which is a
 * table, not an SSN); the dashed form may be followed or preceded by other numbers after a space.
 * AAA.GG.SSSS counts too, standing alone like the spaced form: "1.123.45.6789" is a version.
 */
export const US_SSN = "US_SSN";
const MAX_LENGTH = 11;
const CONTEXT_WINDOW = 32;
const CONTEXT = /\bssn|social[\s-]+security|soc\.?\s*sec/i;

function number(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + text.charCodeAt(i) - 48;
  return value;
}

function validRanges(area: number, group: number, serial: number): boolean {
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

function hasContext(text: string, start: number): boolean {
  return CONTEXT.test(text.slice(Math.max(0, start - CONTEXT_WINDOW), start));
}

function threeGroups(text: string, run: NumericRun, k: number): boolean {
  if (run.groupLength(k) !== 3 || run.groupLength(k + 1) !== 2 || run.groupLength(k + 2) !== 4) return false;
  return validRanges(
    number(text, run.groupStart(k), run.groupEnd(k)),
    number(text, run.groupStart(k + 1), run.groupEnd(k + 1)),
    number(text, run.groupStart(k + 2), run.groupEnd(k + 2)),
  );
}

function detectInRun(text: string, run: NumericRun, found: TextMatch[]): void {
  if (run.plus) return;
  if (run.count === 1) {
    const start = run.groupStart(0);
    const end = run.groupEnd(0);
    if (
      end - start === 9 &&
      run.paren(0) === 0 &&
      isLeftBoundary(text, start - 1) &&
      isRightBoundary(text, end) &&
      validRanges(
        number(text, start, start + 3),
        number(text, start + 3, start + 5),
        number(text, start + 5, end),
      ) &&
      hasContext(text, start)
    ) {
      found.push({ type: US_SSN, start, end });
    }
    return;
  }
  const separator = run.count === 3 ? run.sep(1) : -1;
  if ((separator === SPACE || separator === DOT) && run.sep(2) === separator) {
    if (
      run.paren(0) === 0 &&
      isLeftBoundary(text, run.start - 1) &&
      isRightBoundary(text, run.groupEnd(2)) &&
      threeGroups(text, run, 0)
    ) {
      found.push({ type: US_SSN, start: run.groupStart(0), end: run.groupEnd(2) });
    }
    return;
  }
  // Dashed: exactly three dash-joined groups, delimited by the run's ends or by spaces.
  for (let k = 0; k + 2 < run.count; k++) {
    if (run.sep(k + 1) !== DASH || run.sep(k + 2) !== DASH) continue;
    if (run.paren(k) + run.paren(k + 1) + run.paren(k + 2) > 0) continue;
    const before = k === 0 ? isLeftBoundary(text, run.start - 1) : run.sep(k) === SPACE;
    const after = k + 3 === run.count ? isRightBoundary(text, run.groupEnd(k + 2)) : run.sep(k + 3) === SPACE;
    if (before && after && threeGroups(text, run, k)) {
      found.push({ type: US_SSN, start: run.groupStart(k), end: run.groupEnd(k + 2) });
      k += 2;
    }
  }
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  const runs = numericRuns(text);
  for (let r = 0; r < runs.count; r++) {
    const run = runs.select(r);
    if (run.digits >= 9) detectInRun(text, run, found);
  }
  return found;
}

export function usSsnDetector(): Detector {
  return { type: US_SSN, maxMatchLength: MAX_LENGTH, detect };
}
