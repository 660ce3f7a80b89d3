import { isAtextSymbol, isIntlWordChar } from "../detectors/char-classes.ts";

/**
 * Where the still-open tail of a streamed text begins: the earliest offset from which the text
 * received so far could still turn into (part of) an entity once more text arrives. Everything
 * before it can be scanned and sent now; the tail is held.
 *
 * The rule is a superset of what the detectors can match, stated over characters so it needs no
 * knowledge of any one detector:
 * - entities are runs of ENTITY characters (ASCII letters, digits, `. ( ) : @`, the RFC 5322
 *   atext symbols `! # $ % & ' * + - / = ? ^ _ \` { | } ~` and the non-ASCII letters, digits and
 *   marks an internationalized address may hold), so the trailing run is open: "bob@exa" may
 *   become an address, "4111" a card, "müller" the local part of one;
 * - the only whitespace inside an entity (PEM blocks aside) is a single space between groups of a
 *   card, phone, SSN or IBAN ("4111 1111 …", "+44 20 7946 0958", "GB82 WEST 1234 …"): a group
 *   before a trailing single space, or before an open trailing group, stays open too;
 * - a PEM block may span lines and spaces: an unclosed `-----BEGIN` keeps everything from it open.
 * A tail is never longer than the entity it could become (`maxEntityLength`, `maxBlockLength` for
 * PEM), so a long base64 run or an unclosed BEGIN is released once no entity could reach back.
 */
export interface OpenTailLimits {
  /** Longest match of any detector, PEM blocks excepted. */
  readonly maxEntityLength: number;
  /** Longest PEM block a detector matches (0: no PEM detector). */
  readonly maxBlockLength: number;
}

const SPACE = 32;
const PEM_BEGIN = "-----BEGIN";
const PEM_END = "-----END";
const PEM_DASHES = "-----";

function isEntityChar(c: number): boolean {
  if (c >= 48 && c <= 57) return true; // digits
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true; // ASCII letters
  // . ( ) : @, then atext (! # $ % & ' * + - / = ? ^ _ ` { | } ~), then "müller", "münchen"
  return c === 46 || c === 40 || c === 41 || c === 58 || c === 64 || isAtextSymbol(c) || isIntlWordChar(c);
}

/** Characters a number group can be written with: digits, letters (IBAN), and + ( ) - . */
function isGroupChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 43 ||
    c === 40 ||
    c === 41 ||
    c === 45 ||
    c === 46
  );
}

/** A finished group that another group may follow after a space: has a digit, or is an IBAN block like "WEST". */
function isGroup(text: string, start: number, end: number): boolean {
  let letters = 0;
  let other = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
    if (c >= 65 && c <= 90) letters++;
    else other++;
  }
  return other === 0 && letters >= 1 && letters <= 4;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Offset where the open tail of `text` begins, never before `from` (what was already sent). */
export function openTailStart(text: string, from: number, limits: OpenTailLimits): number {
  const n = text.length;
  const floor = Math.max(from, n - limits.maxEntityLength);
  let tail = n;
  while (tail > floor && isEntityChar(text.charCodeAt(tail - 1))) tail--;
  // The trailing group may still grow into a group; earlier ones must already be groups.
  let rightIsGroupish = tail === n || allGroupChars(text, tail, n);
  while (rightIsGroupish && tail - 1 > floor && text.charCodeAt(tail - 1) === SPACE) {
    let groupStart = tail - 1;
    while (groupStart > floor && isGroupChar(text.charCodeAt(groupStart - 1))) groupStart--;
    if (groupStart === tail - 1 || !isGroup(text, groupStart, tail - 1)) break;
    tail = groupStart;
    // A group glued to other text ("tel:+1 555") ends the chain, but the group itself stays open.
    rightIsGroupish = groupStart === floor || text.charCodeAt(groupStart - 1) === SPACE;
    if (!rightIsGroupish) break;
  }
  tail = Math.min(tail, openPemStart(text, from, limits.maxBlockLength));
  // Half an emoji is not text: its low surrogate is still to come.
  if (tail > from && isHighSurrogate(text.charCodeAt(tail - 1))) tail--;
  return Math.max(tail, from);
}

function allGroupChars(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isGroupChar(text.charCodeAt(i))) return false;
  return true;
}

/** Offset of a `-----BEGIN` whose block is not closed yet and could still fit a match, else `text.length`. */
function openPemStart(text: string, from: number, maxBlockLength: number): number {
  if (maxBlockLength <= 0) return text.length;
  const floor = Math.max(from, text.length - maxBlockLength);
  const begin = text.lastIndexOf(PEM_BEGIN);
  if (begin < floor) return text.length;
  const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
  if (end < 0) return begin;
  const close = text.indexOf(PEM_DASHES, end + PEM_END.length);
  return close < 0 ? begin : text.length;
}
