/**
 * Code-unit predicates shared by the detectors. They work on charCodeAt values so the hot loops
 * never allocate substrings; NaN (reading past either end of the text) is false everywhere.
 */

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

export function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

export function isAsciiAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c) || isLower(c);
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** base64url alphabet, also the alphabet of most API tokens. */
export function isTokenChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 45 /* - */ || c === 95 /* _ */;
}

const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;

/**
 * A word character in the sense of "whole word": ASCII letters, digits, underscore, and any
 * non-ASCII letter, digit or mark, so "café" is one word and "naïve" is not split at the ï.
 */
export function isWordChar(c: number): boolean {
  if (c < 128) return isAsciiAlnum(c) || c === 95;
  if (Number.isNaN(c)) return false;
  return NON_ASCII_WORD.test(String.fromCharCode(c));
}

/**
 * True when the code unit at `index` does not glue a candidate to a longer alphanumeric token:
 * not alphanumeric itself, and not a '.', '-' or '_' that itself touches an alphanumeric on the far
 * side (so "v1.2.3.4", "ID-4111..." and "x_555" are not mistaken for standalone values).
 */
export function isLeftBoundary(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  if (isWordChar(c)) return false;
  if (c === 46 || c === 45 || c === 95) return !isAsciiAlnum(text.charCodeAt(index - 1));
  return true;
}

export function isRightBoundary(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  if (isWordChar(c)) return false;
  if (c === 46 || c === 45 || c === 95) return !isAsciiAlnum(text.charCodeAt(index + 1));
  return true;
}

/**
 * A non-ASCII letter, digit or mark that may be part of an internationalized address (RFC 6531
 * local part, IDN label): "müller", "münchen". Scripts written without spaces between words (Han,
 * kana, Thai, Lao, Myanmar, Khmer) and full-width forms are left out: there a run of letters glued
 * to an address is the sentence around it ("連絡先taro@example.jp"), not part of the address.
 */
export function isIntlWordChar(c: number): boolean {
  if (c < 128 || Number.isNaN(c)) return false;
  if (c >= 0x0e00 && c <= 0x0eff) return false; // Thai, Lao
  if (c >= 0x1000 && c <= 0x109f) return false; // Myanmar
  if (c >= 0x1780 && c <= 0x17ff) return false; // Khmer
  if (c >= 0x2e80 && c <= 0xa4cf) return false; // CJK radicals, kana, CJK ideographs, Yi
  if (c >= 0xf900 && c <= 0xfaff) return false; // CJK compatibility ideographs
  if (c >= 0xff00 && c <= 0xffef) return false; // half- and full-width forms
  return NON_ASCII_WORD.test(String.fromCharCode(c));
}

const ATEXT_SYMBOLS = new Uint8Array(128);
for (const symbol of "!#$%&'*+-/=?^_`{|}~") ATEXT_SYMBOLS[symbol.charCodeAt(0)] = 1;

/** RFC 5322 atext besides letters and digits: ! # $ % & ' * + - / = ? ^ _ ` { | } ~ */
export function isAtextSymbol(c: number): boolean {
  return c < 128 && ATEXT_SYMBOLS[c] === 1;
}
