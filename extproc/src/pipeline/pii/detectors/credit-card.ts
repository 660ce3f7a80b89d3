import { isLeftBoundary, isRightBoundary } from "./char-classes.ts";
import { DASH, type NumericRun, numericRuns, SPACE } from "./numeric-runs.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * CREDIT_CARD: 13–19 digits, either contiguous or grouped by one consistent separator (space or
 * dash) the way cards are printed (4-4-4-4[-3], Amex 4-6-5, Diners 4-6-4), Luhn-valid and with a
 * known issuer prefix for that length. Both checks are needed: Luhn alone passes one random
 * number in ten.
 */
export const CREDIT_CARD = "CREDIT_CARD";

// 19 digits and 4 separators.
const MAX_LENGTH = 23;

/** Digits of the candidate, read once into a reused buffer so the checks never build strings. */
const digits = new Uint8Array(19);

function luhnValid(count: number): boolean {
  let sum = 0;
  for (let k = 0; k < count; k++) {
    let d = digits[count - 1 - k] as number;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function prefix(length: number): number {
  let value = 0;
  for (let k = 0; k < length; k++) value = value * 10 + (digits[k] as number);
  return value;
}

/** Issuer prefix and length rules (IIN ranges as published by the networks). */
export function knownIssuer(count: number): boolean {
  const p1 = digits[0] as number;
  const p2 = prefix(2);
  const p3 = prefix(3);
  const p4 = prefix(4);
  if (p1 === 4) return count === 13 || count === 16 || count === 19; // Visa
  if (count === 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))) return true; // Mastercard
  if (count === 15 && (p2 === 34 || p2 === 37)) return true; // Amex
  if (count >= 16 && (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65)) return true; // Discover
  if (count >= 16 && p4 >= 3528 && p4 <= 3589) return true; // JCB
  if (count === 14 && (p2 === 36 || (p3 >= 300 && p3 <= 305))) return true; // Diners Club
  if (count >= 16 && p2 === 62) return true; // UnionPay
  return false;
}

function readDigits(text: string, run: NumericRun, from: number, to: number): number {
  let count = 0;
  for (let k = from; k <= to; k++) {
    const end = run.groupEnd(k);
    for (let i = run.groupStart(k); i < end; i++) digits[count++] = text.charCodeAt(i) - 48;
  }
  return count;
}

/** Printed groupings: all groups of 4 with a shorter last one, or Amex/Diners 4-6-5 / 4-6-4. */
function groupingAllowed(run: NumericRun, from: number, to: number): boolean {
  const groups = to - from + 1;
  if (groups === 1) return true;
  if (groups === 3 && run.groupLength(from) === 4 && run.groupLength(from + 1) === 6) {
    const last = run.groupLength(to);
    return last === 5 || last === 4;
  }
  for (let k = from; k < to; k++) if (run.groupLength(k) !== 4) return false;
  return run.groupLength(to) <= 4;
}

function cardAt(text: string, run: NumericRun, from: number): number {
  if (run.paren(from) === 1) return -1;
  const separator = from + 1 < run.count ? run.sep(from + 1) : -1;
  // Likewise the tail of a longer grouped number: "1234 4111 1111 1111 1111".
  if (from > 0 && separator === SPACE && run.groupLength(from - 1) === 4) return -1;
  let total = 0;
  let best = -1;
  for (let to = from; to < run.count && to < from + 5; to++) {
    if (run.paren(to) === 1) break;
    if (to > from && run.sep(to) !== separator) break;
    if (to > from && separator !== SPACE && separator !== DASH) break;
    total += run.groupLength(to);
    if (total > 19) break;
    // A card ends where the run ends or at a space; "4111-1111-1111-1111-9" is one longer token,
    // and a grouped card followed by another group in the same style is the start of a longer
    // grouped number ("Reference 4421 2096 8713 7190 3338"), not a card.
    const after = to + 1 < run.count ? run.sep(to + 1) : -1;
    const ends = after === -1 || (after === SPACE && (to === from || separator !== SPACE));
    if (total >= 13 && ends && groupingAllowed(run, from, to)) {
      const count = readDigits(text, run, from, to);
      if (knownIssuer(count) && luhnValid(count)) best = to;
    }
  }
  return best;
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  const runs = numericRuns(text);
  for (let r = 0; r < runs.count; r++) {
    const run = runs.select(r);
    if (run.digits < 13) continue;
    // A leading "+" makes it a phone number, and "(" never opens a card.
    let k = run.plus ? 1 : 0;
    while (k < run.count) {
      const startsToken = k === 0 ? isLeftBoundary(text, run.start - 1) : run.sep(k) === SPACE;
      const to = startsToken ? cardAt(text, run, k) : -1;
      if (to >= 0 && (to + 1 < run.count || isRightBoundary(text, run.groupEnd(to)))) {
        found.push({
          type: CREDIT_CARD,
          start: run.groupStart(k),
          end: run.groupEnd(to),
        });
        k = to + 1;
      } else {
        k++;
      }
    }
  }
  return found;
}

export function creditCardDetector(): Detector {
  return { type: CREDIT_CARD, maxMatchLength: MAX_LENGTH, detect };
}
