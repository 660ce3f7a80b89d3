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
