import { isIPv6 } from "node:net";
import {
  isAsciiAlnum,
  isDigit,
  isHexDigit,
  isLeftBoundary,
  isRightBoundary,
  isWordChar,
} from "./char-classes.ts";
import { DOT, type NumericRun, numericRuns } from "./numeric-runs.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * IP_ADDRESS: IPv4 (dotted quad, octets 0–255, no leading zeros) and IPv6 (full, compressed,
 * with an IPv4 tail), each confirmed by node:net. Loopback, private and documentation ranges count
 * too: an internal address still identifies infrastructure or a person's machine, and the policy
 * can allow the type if a team does not care.
 *
 * A dotted quad inside a longer dotted run (version 1.2.3.4.5, "v1.2.3.4", OIDs) is not an address,
 * nor one that a version word names ("version 1.2.3.4", "Build 23.10.1.7", "upgraded to 12.4.1.52").
 * An IPv6 candidate needs at least two hextet groups besides "::", so "::" alone and "std::" (C++
 * scopes, code) do not count, and one of them has to contain a digit, so "dead::beef" does not. The
 * loopback "::1" is the one exception. A single ':' before an address is punctuation
 * ("value :2001:db8::1"), not part of it.
 */
export const IP_ADDRESS = "IP_ADDRESS";
const MAX_LENGTH = 45; // the longest IPv6 text form, with an IPv4 tail
const COLON = 58;

/** Four groups from k are octets: 1–3 digits, at most 255, no leading zero, no parentheses. */
function ipv4Octets(text: string, run: NumericRun, k: number): boolean {
  for (let g = k; g < k + 4; g++) {
    const length = run.groupLength(g);
    if (length > 3 || run.paren(g) === 1) return false;
    const start = run.groupStart(g);
    const first = text.charCodeAt(start) - 48;
    if (length === 1) continue;
    if (first === 0) return false;
    if (length === 3) {
      const value = first * 100 + (text.charCodeAt(start + 1) - 48) * 10 + (text.charCodeAt(start + 2) - 48);
      if (value > 255) return false;
    }
  }
  return true;
}

/** Words after which a dotted quad is a version number, not an address. */
const VERSION_WORDS = new Set([
  "v",
  "ver",
  "version",
  "build",
  "release",
  "rev",
  "revision",
  "firmware",
  "fw",
]);
/** Verbs that, followed by "to", announce a version: "upgraded to 12.4.1.52". */
const UPGRADE_VERBS = new Set([
  "upgrade",
  "upgraded",
  "update",
  "updated",
  "downgrade",
  "downgraded",
  "bump",
  "bumped",
]);

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The ASCII word ending just before `end` (after spaces), lower-cased, with its start; "" if none. */
function wordBefore(text: string, end: number): [string, number] {
  let i = end;
  const floor = Math.max(0, end - 3);
  while (i > floor && text.charCodeAt(i - 1) === 32) i--;
  if (i === end) return ["", end];
  const wordEnd = i;
  const limit = Math.max(0, wordEnd - 12);
  while (i > limit && isAsciiLetter(text.charCodeAt(i - 1))) i--;
  if (i === wordEnd || isAsciiLetter(text.charCodeAt(i - 1))) return ["", i];
  return [text.slice(i, wordEnd).toLowerCase(), i];
}

/** A version word names the dotted quad starting at `start`. Runs only for valid quads, so rarely. */
function namedVersion(text: string, start: number): boolean {
  const [word, wordStart] = wordBefore(text, start);
  if (VERSION_WORDS.has(word)) return true;
  if (word !== "to") return false;
  return UPGRADE_VERBS.has(wordBefore(text, wordStart)[0]);
}

function detectIpv4(text: string, found: TextMatch[]): void {
  const runs = numericRuns(text);
  for (let r = 0; r < runs.count; r++) {
    const run = runs.select(r);
    if (run.count < 4) continue;
    let k = run.plus ? 1 : 0;
    while (k < run.count) {
      // Find the dot-joined chain starting at k.
      let to = k;
      while (to + 1 < run.count && run.sep(to + 1) === DOT && run.paren(to + 1) === 0) to++;
      if (to - k === 3) {
        const start = run.groupStart(k);
        const end = run.groupEnd(to);
        const before = k === 0 ? run.paren(0) === 0 && isLeftBoundary(text, start - 1) : run.sep(k) !== DOT;
        const after = to + 1 === run.count ? isRightBoundary(text, end) : true;
        if (before && after && ipv4Octets(text, run, k) && !namedVersion(text, start))
          found.push({ type: IP_ADDRESS, start, end });
      }
      k = to + 1;
    }
  }
}

function isV6Char(c: number): boolean {
  return isHexDigit(c) || c === COLON || c === DOT;
}

/**
 * Cheap shape check before node:net: enough groups, a digit, a sane length, and what the IPv6 text
 * form requires anyway (hextets of at most 4 characters, dots only in the last group, one "::" at
 * most, else 6 or 7 colons). Times of day ("10:12:34.567") and JSON colons end here.
 */
function plausibleV6(text: string, start: number, end: number): boolean {
  if (end - start > MAX_LENGTH || end - start < 3) return false;
  let groups = 0;
  let groupLength = 0;
  let digit = false;
  let dot = false;
  let colons = 0;
  let compressed = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) {
      if (dot) return false;
      colons++;
      if (groupLength === 0 && i > start) {
        // "::": only once, never ":::".
        if (compressed || (i - 2 >= start && text.charCodeAt(i - 2) === COLON)) return false;
        compressed = true;
      }
      groupLength = 0;
    } else {
      if (groupLength === 0) groups++;
      groupLength++;
      if (c === DOT) dot = true;
      // A hextet has 4 characters at most, and so has an IPv4 tail before its first dot.
      else if (groupLength > 4 && !dot) return false;
      if (isDigit(c)) digit = true;
    }
  }
  // The loopback "::1" is the one address with a single group.
  if (groups < 2) return groups === 1 && end - start === 3 && text.startsWith("::1", start);
  if (!digit) return false;
  return compressed || colons === 6 || colons === 7;
}

function detectIpv6(text: string, found: TextMatch[]): void {
  let from = 0;
  for (;;) {
    const colon = text.indexOf(":", from);
    if (colon < 0) return;
    let start = colon;
    while (start > from && isV6Char(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (isV6Char(text.charCodeAt(end))) end++;
    from = end;
    // A run may end a sentence ("... at fe80::1.") or a label ("addr fe80::1: up").
    while (end > start && text.charCodeAt(end - 1) === DOT) end--;
    if (end - start > 2 && text.charCodeAt(end - 1) === COLON && text.charCodeAt(end - 2) !== COLON) end--;
    // "value :2001:db8::1": a single leading ':' is punctuation.
    if (text.charCodeAt(start) === COLON && text.charCodeAt(start + 1) !== COLON) start++;
    const left = text.charCodeAt(start - 1);
    if (isWordChar(left) || (left === DOT && isAsciiAlnum(text.charCodeAt(start - 2)))) continue;
    if (!isRightBoundary(text, end) && text.charCodeAt(end) !== DOT) continue;
    if (plausibleV6(text, start, end) && isIPv6(text.slice(start, end))) {
      found.push({ type: IP_ADDRESS, start, end });
    }
  }
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  detectIpv4(text, found);
  const v4Count = found.length;
  detectIpv6(text, found);
  if (v4Count === 0 || v4Count === found.length) return found;
  // "::ffff:192.0.2.1" is found by both scans: keep the IPv6 one, which contains the other.
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: TextMatch[] = [];
  let lastEnd = -1;
  for (const match of found) {
    if (match.start >= lastEnd) {
      merged.push(match);
      lastEnd = match.end;
    }
  }
  return merged;
}

export function ipAddressDetector(): Detector {
  return { type: IP_ADDRESS, maxMatchLength: MAX_LENGTH, detect };
}
