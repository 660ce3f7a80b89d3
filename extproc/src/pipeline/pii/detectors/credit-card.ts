import { isAsciiAlnum, isDigit } from "./char-classes.ts";
import { DASH, DOT, detectGroupTokens, type NumericRun, SPACE } from "./numeric-runs.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * CREDIT_CARD: 12–19 digits, either contiguous or grouped by one consistent separator (space or
 * dash) the way cards are printed (4-4-4-4[-3], Amex 4-6-5, Diners 4-6-4), Luhn-valid and with a
 * known issuer prefix for that length. Both checks are needed: Luhn alone passes one random
 * number in ten. A contiguous number may be written in parentheses: "(4242424242424242)". Dots
 * separate groups only in the two full printed shapes, 4111.1111.1111.1111 and 3782.822463.10005:
 * a shorter dotted run ("4111.1111") is a decimal or a version.
 */
export const CREDIT_CARD = "CREDIT_CARD";

// 19 digits and 4 separators.
const MAX_LENGTH = 23;

/** Digits of the candidate, read once into a reused buffer so the checks never build strings. */
const digits = new Uint8Array(19);
const MIN_DIGITS = 12;

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

/**
 * Issuer prefix and length rules, from the networks' published IIN ranges (as collected in the
 * Wikipedia "Payment card number" table, Barclaycard's BIN rules and Braintree's credit-card-type):
 * - Visa 4, 13/16/19; Mastercard 51–55 and 2221–2720, 16; Amex 34/37, 15;
 * - Discover 6011, 644–649, 65; JCB 3528–3589; UnionPay 62: 16–19;
 * - Diners Club International 300–305, 3095, 36, 38, 39: 14–19 (16-digit co-branded cards);
 * - Maestro 50, 56–69 (what no other network above claims; 5018, 5020, 5038, 5893, 6304, 6759,
 *   6761–6763 among others), Laser 6304/6706/6709/6771 and InstaPayment 637–639 fall in that
 *   range: 12–19 digits, but 12–15 only for the published Maestro IINs, since a short run starting
 *   with 5 or 6 is more often an order number than an old Maestro card.
 */
function knownIssuer(count: number): boolean {
  const p1 = digits[0] as number;
  const p2 = prefix(2);
  const p3 = prefix(3);
  const p4 = prefix(4);
  if (p1 === 4) return count === 13 || count === 16 || count === 19; // Visa
  if (count === 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))) return true; // Mastercard
  if (count === 15 && (p2 === 34 || p2 === 37)) return true; // Amex
  if (count >= 16 && (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65)) return true; // Discover
  if (count >= 16 && p4 >= 3528 && p4 <= 3589) return true; // JCB
  if (count >= 14 && ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39))
    return true; // Diners Club International
  if (count >= 16 && p2 === 62) return true; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return count >= 16 || (count >= 12 && maestroIin(p4)); // Maestro
  return false;
}

/** The Maestro IINs every public table lists. */
function maestroIin(p4: number): boolean {
  return (
    p4 === 5018 ||
    p4 === 5020 ||
    p4 === 5038 ||
    p4 === 5893 ||
    p4 === 6304 ||
    p4 === 6759 ||
    (p4 >= 6761 && p4 <= 6763)
  );
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

/** 4-4-4-4 or 4-6-5: the only shapes in which dots separate the groups of a card. */
function dottedShape(run: NumericRun, from: number, to: number): boolean {
  if (to - from === 3) {
    for (let k = from; k <= to; k++) if (run.groupLength(k) !== 4) return false;
    return true;
  }
  return (
    to - from === 2 &&
    run.groupLength(from) === 4 &&
    run.groupLength(from + 1) === 6 &&
    run.groupLength(to) === 5
  );
}

/** "XX00 " right before `start`: a 4-character group of letters and digits, with a digit. */
function alnumGroupBefore(text: string, start: number): boolean {
  if (start < 5 || text.charCodeAt(start - 1) !== SPACE || isAsciiAlnum(text.charCodeAt(start - 6)))
    return false;
  let digit = false;
  for (let i = start - 5; i < start - 1; i++) {
    const c = text.charCodeAt(i);
    if (!isAsciiAlnum(c)) return false;
    if (isDigit(c)) digit = true;
  }
  return digit;
}

function cardAt(text: string, run: NumericRun, from: number): number {
  // "(" opens a card only when the whole card is in it: "(4242424242424242)", never "(555) 123…".
  if (run.paren(from) === 1) {
    const length = run.groupLength(from);
    if (length < MIN_DIGITS || length > 19 || (from + 1 < run.count && run.sep(from + 1) !== SPACE))
      return -1;
    const count = readDigits(text, run, from, from);
    return knownIssuer(count) && luhnValid(count) ? from : -1;
  }
  const separator = from + 1 < run.count ? run.sep(from + 1) : -1;
  // Likewise the tail of a longer grouped number: "1234 4111 1111 1111 1111", or of a grouped
  // code whose first group has letters: "DE51 5001 0517 5407 3249 31" (an IBAN).
  if (separator === SPACE) {
    if (from > 0 ? run.groupLength(from - 1) === 4 : alnumGroupBefore(text, run.start)) return -1;
  }
  let total = 0;
  let best = -1;
  for (let to = from; to < run.count && to < from + 5; to++) {
    if (to > from && run.paren(to) === 1) break;
    if (to > from && run.sep(to) !== separator) break;
    if (to > from && separator !== SPACE && separator !== DASH && separator !== DOT) break;
    total += run.groupLength(to);
    if (total > 19) break;
    // A card ends where the run ends or at a space; "4111-1111-1111-1111-9" is one longer token,
    // and a grouped card followed by another group in the same style is the start of a longer
    // grouped number ("Reference 4421 2096 8713 7190 3338"), not a card.
    const after = to + 1 < run.count ? run.sep(to + 1) : -1;
    const ends = after === -1 || (after === SPACE && (to === from || separator !== SPACE));
    const shaped = separator === DOT ? dottedShape(run, from, to) : groupingAllowed(run, from, to);
    if (total >= MIN_DIGITS && ends && shaped) {
      const count = readDigits(text, run, from, to);
      if (knownIssuer(count) && luhnValid(count)) best = to;
    }
  }
  return best;
}

function detect(text: string): TextMatch[] {
  // A leading "+" makes it a phone number.
  return detectGroupTokens(text, CREDIT_CARD, MIN_DIGITS, true, false, cardAt);
}

export function creditCardDetector(): Detector {
  return { type: CREDIT_CARD, maxMatchLength: MAX_LENGTH, detect };
}
