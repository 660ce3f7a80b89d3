import { isAsciiAlnum, isAtextSymbol, isIntlWordChar, isLower, isUpper } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * EMAIL: local@domain.tld, found from each '@' outwards with bounded scans (local part at most
 * 64 characters, domain at most 253), so "a@".repeat(n) or a megabyte of '@' stays linear: a scan
 * never crosses another '@', so every character is read by at most one scan each way.
 * Local part: RFC 5322 atext (letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~) and dots
 * (no leading, trailing or double dot), plus non-ASCII letters, digits and marks (RFC 6531,
 * "müller"). Domain: two or more labels of letters (ASCII or not, "münchen"), digits and hyphens,
 * the last a TLD of 2–63 letters (or an xn-- IDN TLD), no trailing dot.
 * What around an address looks like atext is cut off, so the span is the address itself:
 * - a URL before it: "https://ghp_…@github.com" keeps what follows the last '/';
 * - a key: "user=info@…", "?a=1&email=bob@…" keep what follows "key=" (a key is letters, digits
 *   and _ - . after the start, '?' or '&'); "customer/department=shipping@…" has no key;
 * - leading punctuation of the sentence or markup: . ' ` * = / ? & | { } ~ ^ # ("**bob@…**").
 * The password in "https://user:secret@host" is not an address. File extensions that are not TLDs
 * ("icon@2x.png", "pkg@1.2.3/index.js") are not addresses.
 */
export const EMAIL = "EMAIL";
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LENGTH = MAX_LOCAL + 1 + MAX_DOMAIN;
// How far back the local part is looked for before the cuts below bring it down to MAX_LOCAL. The
// stream redactor keeps 256 characters of left context, so this must stay below that.
const MAX_SCAN = 192;
const SLASH = 47;
const EQUALS = 61;
const DOT = 46;
const HYPHEN = 45;

const NOT_TLDS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "webp",
  "bmp",
  "ico",
  "tif",
  "tiff",
  "pdf",
  "js",
  "mjs",
  "cjs",
  "ts",
  "tsx",
  "jsx",
  "json",
  "yaml",
  "yml",
  "txt",
  "css",
  "scss",
  "html",
  "htm",
  "map",
  "lock",
]);

function isLocalChar(c: number): boolean {
  return isAsciiAlnum(c) || c === DOT || isAtextSymbol(c) || isIntlWordChar(c);
}

function isDomainChar(c: number): boolean {
  return isAsciiAlnum(c) || c === DOT || c === HYPHEN || isIntlWordChar(c);
}

function isAlpha(c: number): boolean {
  return isUpper(c) || isLower(c);
}

/** Characters of a "key=" before an address: letters, digits, _ - . */
function isKeyChar(c: number): boolean {
  return isAsciiAlnum(c) || c === 95 || c === HYPHEN || c === DOT;
}

/** Punctuation that opens a sentence, a quote or markup rather than an address. */
function isLeadingPunctuation(c: number): boolean {
  return (
    c === DOT ||
    c === 39 || // '
    c === 96 || // `
    c === 42 || // *
    c === EQUALS ||
    c === SLASH ||
    c === 63 || // ?
    c === 38 || // &
    c === 124 || // |
    c === 123 || // {
    c === 125 || // }
    c === 126 || // ~
    c === 94 || // ^
    c === 35 // #
  );
}

/** Offset just past the last "key=" in `start..at` ("user=", "?a=1&email="), else `start`. */
function afterKey(text: string, start: number, at: number): number {
  let cut = start;
  let segment = start;
  let key = true;
  for (let i = start; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === EQUALS) {
      if (key && i > segment) cut = i + 1;
      segment = i + 1;
      key = true;
    } else if (c === 63 || c === 38) {
      segment = i + 1;
      key = true;
    } else if (!isKeyChar(c)) {
      key = false;
    }
  }
  return cut;
}

/** Offset of the first character of the local part ending before `at`, or -1. */
function localStart(text: string, at: number, floor: number): number {
  let start = at;
  const limit = Math.max(floor, at - MAX_SCAN);
  while (start > limit && isLocalChar(text.charCodeAt(start - 1))) start--;
  // Too long to be cut down to an address.
  if (start === at - MAX_SCAN && isLocalChar(text.charCodeAt(start - 1))) return -1;
  // "scheme://user@host": the part after the last '/' (a URL path is not a local part).
  if (text.charCodeAt(start) === SLASH && text.charCodeAt(start + 1) === SLASH)
    start = text.lastIndexOf("/", at - 1) + 1;
  start = afterKey(text, start, at);
  while (start < at && isLeadingPunctuation(text.charCodeAt(start))) start++;
  if (start === at || at - start > MAX_LOCAL || text.charCodeAt(at - 1) === DOT) return -1;
  for (let i = start + 1; i < at; i++)
    if (text.charCodeAt(i) === DOT && text.charCodeAt(i - 1) === DOT) return -1;
  return start;
}

/**
 * "https://user:secret@host" is a URL with a password, not an address: the part before '@' follows
 * the ':' of userinfo. Looked for within the same whitespace-free token, at most 256 characters back.
 */
function inUrlUserinfo(text: string, start: number): boolean {
  if (text.charCodeAt(start - 1) !== 58) return false;
  const floor = Math.max(0, start - 256);
  for (let i = start - 2; i >= floor + 2; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 34 || c === 60) return false;
    if (c === 47 && text.charCodeAt(i - 1) === 47 && text.charCodeAt(i - 2) === 58) return true;
  }
  return false;
}

const NON_ASCII_DIGIT = /\p{N}/u;

function isDigitLike(c: number): boolean {
  return NON_ASCII_DIGIT.test(String.fromCharCode(c));
}

function validTld(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length < 2 || length > 63) return false;
  if (
    length > 4 &&
    text.charCodeAt(start) === 120 &&
    text.charCodeAt(start + 1) === 110 &&
    text.charCodeAt(start + 2) === HYPHEN &&
    text.charCodeAt(start + 3) === HYPHEN
  ) {
    return true;
  }
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isAlpha(c)) continue;
    // An internationalized TLD ("рф", "中国" aside, see isIntlWordChar) is letters too.
    if (!isIntlWordChar(c) || isDigitLike(c)) return false;
    ascii = false;
  }
  if (!ascii) return true;
  return length > 4 || !NOT_TLDS.has(text.slice(start, end).toLowerCase());
}

/** Offset one past the domain starting at `from`, or -1. */
function domainEnd(text: string, from: number): number {
  let end = from;
  const limit = Math.min(text.length, from + MAX_DOMAIN + 1);
  while (end < limit && isDomainChar(text.charCodeAt(end))) end++;
  if (end - from > MAX_DOMAIN) return -1;
  // A trailing dot or hyphen ends the sentence, not the domain.
  while (end > from && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === HYPHEN)) end--;
  let labels = 0;
  let labelStart = from;
  for (let i = from; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== DOT) continue;
    const length = i - labelStart;
    if (length < 1 || length > 63) return -1;
    if (text.charCodeAt(labelStart) === HYPHEN || text.charCodeAt(i - 1) === HYPHEN) return -1;
    labels++;
    if (i < end) labelStart = i + 1;
  }
  if (labels < 2 || !validTld(text, labelStart, end)) return -1;
  return end;
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  let floor = 0;
  let at = text.indexOf("@");
  while (at >= 0) {
    const local = localStart(text, at, floor);
    const start = local >= 0 && inUrlUserinfo(text, local) ? -1 : local;
    const end = start >= 0 ? domainEnd(text, at + 1) : -1;
    // "user@host@evil.com" and "a@b.c@d" are not addresses: the '@' must not continue either side.
    if (end >= 0 && text.charCodeAt(start - 1) !== 64 && text.charCodeAt(end) !== 64) {
      found.push({ type: EMAIL, start, end });
      floor = end;
      at = text.indexOf("@", end);
    } else {
      floor = at + 1;
      at = text.indexOf("@", at + 1);
    }
  }
  return found;
}

export function emailDetector(): Detector {
  return { type: EMAIL, maxMatchLength: MAX_LENGTH, detect };
}
