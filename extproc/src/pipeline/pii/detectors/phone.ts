import { DASH, DOT, detectGroupTokens, type NumericRun, SPACE } from "./numeric-runs.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * PHONE, recognised by shape rather than by digit count, because digit count alone cannot tell a
 * phone number from an order number, a date or a version:
 * - international: "+" then 8–15 digits, compact (E.164) or grouped with spaces, dashes, dots and
 *   an optional parenthesised group ("+44 20 7946 0958", "+44 (0)20 7946 0958", "+1 (555) 123-4567");
 * - North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, with an optional
 *   leading 1, area code starting 2–9;
 * - national with a trunk 0: French pairs (01 23 45 67 89), and 2–4 groups with one separator whose
 *   first group starts with 0 (not 00) and the others have 3+ digits (the last 4+ when there are
 *   three or more), 9–12 digits in all (020 7946 0958,
 *   030 123456, 07700 900123, (020) 7946 0958).
 * - parenthesised two-digit area code (Brazil: both digits 1–9), then a subscriber number split by
 *   a dash: 8 digits starting 2–5 (landline) or 9 starting 9 (mobile): (11) 91234-5678, (21) 2345-6789.
 * A bare digit run is never a phone number. National and space-only North American numbers must not
 * touch other space-separated numbers (tables). A candidate starts at the start of a run or after a
 * space inside it, and ends at the end of the run or before a space, so the tail of a dashed date
 * or UUID is never one.
 */
export const PHONE = "PHONE";
const MAX_LENGTH = 32;
const MAX_GROUPS = 7;

function firstDigit(text: string, run: NumericRun, k: number): number {
  return text.charCodeAt(run.groupStart(k)) - 48;
}

function digitCount(run: NumericRun, from: number, to: number): number {
  let total = 0;
  for (let k = from; k <= to; k++) total += run.groupLength(k);
  return total;
}

function international(text: string, run: NumericRun, to: number): boolean {
  const total = digitCount(run, 0, to);
  if (total < 8 || total > 15 || run.paren(0) === 1 || firstDigit(text, run, 0) === 0) return false;
  if (to === 0) return true;
  if (run.groupLength(0) > 3) return false;
  for (let k = 1; k <= to; k++) {
    const length = run.groupLength(k);
    if (length > (run.paren(k) === 1 ? 4 : 8)) return false;
  }
  return true;
}

function northAmerican(text: string, run: NumericRun, from: number, to: number): boolean {
  let k = from;
  if (to - from === 3) {
    if (run.groupLength(k) !== 1 || firstDigit(text, run, k) !== 1 || run.paren(k) === 1) return false;
    k++;
  } else if (to - from !== 2) {
    return false;
  }
  if (run.groupLength(k) !== 3 || run.groupLength(k + 1) !== 3 || run.groupLength(k + 2) !== 4) return false;
  if (run.paren(k + 1) === 1 || run.paren(k + 2) === 1) return false;
  // Area codes start 2–9; exchanges in examples and fiction (555-123-4567) often break the 2–9 rule.
  if (firstDigit(text, run, k) < 2) return false;
  const last = run.sep(k + 2);
  if (run.paren(k) === 1) {
    const mid = run.sep(k + 1);
    return (mid === SPACE || mid === 0) && (last === DASH || last === SPACE || last === DOT);
  }
  // Unparenthesised: one separator throughout, so "555-123.4567" is not mistaken for one.
  return run.sep(k + 1) === last && (k === from || run.sep(k) === last);
}

/** "(DD) NNNN-NNNN" / "(DD) 9NNNN-NNNN": Brazilian area code in parentheses, then 4/5 + 4 digits. */
function areaCodeSubscriber(text: string, run: NumericRun, from: number, to: number): boolean {
  if (to - from !== 2 || run.paren(from) !== 1 || run.groupLength(from) !== 2) return false;
  const area = run.groupStart(from);
  if (text.charCodeAt(area) === 48 || text.charCodeAt(area + 1) === 48) return false;
  const mid = run.sep(from + 1);
  if ((mid !== SPACE && mid !== 0) || run.sep(to) !== DASH || run.paren(from + 1) === 1) return false;
  if (run.groupLength(to) !== 4 || run.paren(to) === 1) return false;
  const length = run.groupLength(from + 1);
  const lead = firstDigit(text, run, from + 1);
  return (length === 4 && lead >= 2 && lead <= 5) || (length === 5 && lead === 9);
}

function national(text: string, run: NumericRun, from: number, to: number): boolean {
  const groups = to - from + 1;
  if (groups < 2 || firstDigit(text, run, from) !== 0) return false;
  const total = digitCount(run, from, to);
  const separator = run.sep(from + 1);
  for (let k = from + 1; k <= to; k++) if (run.sep(k) !== separator || run.paren(k) === 1) return false;
  // French style: five pairs, 0 then a non-zero digit.
  if (groups === 5 && total === 10 && separator !== 0) {
    let pairs = true;
    for (let k = from; k <= to; k++) if (run.groupLength(k) !== 2 || run.paren(k) === 1) pairs = false;
    if (pairs && text.charCodeAt(run.groupStart(from) + 1) !== 48) return true;
  }
  if (groups > 4 || total < 9 || total > 12 || separator === DOT) return false;
  const first = run.groupLength(from);
  if (first < 2 || first > 5) return false;
  if (run.paren(from) === 1 ? separator !== SPACE && separator !== 0 : separator === 0) return false;
  // "00…" is an international access prefix, never a trunk 0 ("00558-6644" is a ZIP+4).
  if (text.charCodeAt(run.groupStart(from) + 1) === 48) return false;
  for (let k = from + 1; k <= to; k++) if (run.groupLength(k) < 3) return false;
  // Two groups: the subscriber part has 5+ digits (030 123456; "05640-1942" is a ZIP+4).
  // Three or more end in a group of 4+ (020 7946 0958; "038 494 603" is a count).
  return run.groupLength(to) >= (groups === 2 ? 5 : 4);
}

/**
 * The weakest shapes (a trunk-0 national number, space-separated North American digits) must be
 * the whole run: inside a table or log line "0865 097200" is two columns, not a phone number.
 */
function wholeRun(run: NumericRun, from: number, to: number): boolean {
  return from === 0 && to === run.count - 1;
}

/** The candidate `from..to` ends a token (end of run or a space) and fits in MAX_LENGTH. */
function candidate(run: NumericRun, from: number, to: number): boolean {
  // A phone number ends at the end of the run or before a space: never inside "a-b-c" or "a.b.c".
  if (to + 1 < run.count && run.sep(to + 1) !== SPACE) return false;
  return run.spanEnd(to) - run.spanStart(from) <= MAX_LENGTH;
}

/**
 * Last group of the phone number starting at group `from`, or -1; the longest candidate wins. Only
 * an international number can end at any group: a North American one spans 3 or 4 groups and
 * starts with 1–9, a national one starts with 0 and is the whole run, so those are checked at the
 * only groups where they can end instead of at every one.
 */
function phoneEnd(text: string, run: NumericRun, from: number): number {
  const last = Math.min(run.count - 1, from + MAX_GROUPS - 1);
  if (from === 0 && run.plus) {
    for (let to = last; to >= from; to--) {
      if (candidate(run, from, to) && international(text, run, to)) return to;
    }
    return -1;
  }
  if (firstDigit(text, run, from) === 0) {
    const to = run.count - 1;
    if (from === 0 && to <= last && candidate(run, from, to) && national(text, run, from, to)) return to;
    return -1;
  }
  // A two-digit area code in parentheses rules out a North American number (three digits).
  if (run.paren(from) === 1 && run.groupLength(from) === 2) {
    const to = from + 2;
    return to <= last && areaCodeSubscriber(text, run, from, to) && candidate(run, from, to) ? to : -1;
  }
  for (let to = Math.min(last, from + 3); to >= from + 2; to--) {
    if (
      candidate(run, from, to) &&
      northAmerican(text, run, from, to) &&
      (run.sep(to) !== SPACE || wholeRun(run, from, to))
    ) {
      return to;
    }
  }
  return -1;
}

function detect(text: string): TextMatch[] {
  // The shortest phone number has 8 digits.
  return detectGroupTokens(text, PHONE, 8, false, true, phoneEnd);
}

export function phoneDetector(): Detector {
  return { type: PHONE, maxMatchLength: MAX_LENGTH, detect };
}
