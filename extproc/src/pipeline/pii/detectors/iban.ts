import { isAsciiAlnum, isDigit, isLower, isUpper } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * IBAN: country code, two check digits and the BBAN, compact ("DE89370400440532013000") or in the
 * printed groups of four ("DE89 3704 0044 0532 0130 00"), with exactly the registry length for the
 * country and ISO 7064 mod-97 == 1. Upper case as IBANs are printed, or all in lower case
 * ("de89 3704 0044 0532 0130 00", typed or lower-cased by a tool): the same length table and
 * checksum apply, and the case must not change within the IBAN, so a mixed-case token ("De89…",
 * "gb82WEST…") is not one. The checksum is computed while the characters are read, so nothing is
 * copied.
 */
export const IBAN = "IBAN";

/** IBAN lengths per country, SWIFT IBAN registry (release 2024/2025). */
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};
const MAX_IBAN = 34;
// 34 characters and a space every four.
const MAX_LENGTH = MAX_IBAN + 8;
const SPACE = 32;
/**
 * Country code and check digits, not glued to a word on the left. No two candidates can overlap
 * (a candidate's third and fourth characters are digits), so the lookbehind drops exactly the
 * candidates the boundary check would refuse, and `test` allocates no match array.
 */
const CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}/g;

/** LENGTHS as a table indexed by the country code's letters, 0 for no such country. */
const LENGTH_TABLE = new Uint8Array(26 * 26);
for (const [country, length] of Object.entries(LENGTHS)) {
  LENGTH_TABLE[(country.charCodeAt(0) - 65) * 26 + country.charCodeAt(1) - 65] = length;
}

/** A digit, or a letter in the IBAN's case. */
function isIbanChar(c: number, lower: boolean): boolean {
  return isDigit(c) || (lower ? isLower(c) : isUpper(c));
}

/** Adds one character to a running mod-97 remainder (letters count as two digits, A = a = 10). */
function mod97Step(remainder: number, c: number): number {
  if (isDigit(c)) return (remainder * 10 + (c - 48)) % 97;
  return (remainder * 100 + ((c | 32) - 87)) % 97;
}

/** Offset one past the IBAN starting at `start` (letters in lower case when `lower`), or -1. */
function ibanEnd(text: string, start: number, length: number, lower: boolean): number {
  // The BBAN is read first, then the country code and check digits, as ISO 13616 prescribes.
  let remainder = 0;
  let read = 4;
  let i = start + 4;
  const spaced = text.charCodeAt(i) === SPACE;
  while (read < length) {
    if (spaced && (read - 4) % 4 === 0) {
      if (text.charCodeAt(i) !== SPACE) return -1;
      i++;
    }
    const c = text.charCodeAt(i);
    if (!isIbanChar(c, lower)) return -1;
    remainder = mod97Step(remainder, c);
    read++;
    i++;
  }
  if (isAsciiAlnum(text.charCodeAt(i))) return -1;
  // In the printed form the last group is followed by a space and another group only in a longer
  // number (in lower case, a letter after the space starts the next word: "… 0130 00 and").
  if (spaced && text.charCodeAt(i) === SPACE && (read - 4) % 4 !== 0) {
    const next = text.charCodeAt(i + 1);
    if (lower ? isDigit(next) : isIbanChar(next, false)) return -1;
  }
  for (let k = 0; k < 4; k++) remainder = mod97Step(remainder, text.charCodeAt(start + k));
  return remainder === 1 ? i : -1;
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  CANDIDATE.lastIndex = 0;
  while (CANDIDATE.test(text)) {
    const start = CANDIDATE.lastIndex - 4;
    const first = text.charCodeAt(start);
    const second = text.charCodeAt(start + 1);
    const lower = isLower(first);
    if (isLower(second) !== lower) continue;
    // Upper-case code units: lower case less 32.
    const length = LENGTH_TABLE[((first & ~32) - 65) * 26 + (second & ~32) - 65] as number;
    if (length === 0) continue;
    const check = (text.charCodeAt(start + 2) - 48) * 10 + text.charCodeAt(start + 3) - 48;
    if (check < 2 || check > 98) continue;
    const end = ibanEnd(text, start, length, lower);
    if (end >= 0) {
      found.push({ type: IBAN, start, end });
      CANDIDATE.lastIndex = end;
    }
  }
  return found;
}

export function ibanDetector(): Detector {
  return { type: IBAN, maxMatchLength: Math.max(MAX_LENGTH, MAX_IBAN), detect };
}
