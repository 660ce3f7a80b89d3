import { isAtextSymbol, isIntlWordChar } from "../detectors/char-classes.ts";
import type { OpenMatchTracker } from "../detectors/types.ts";
import { isInvisible, isNumericLookalike, isUnicodeSpace } from "../detectors/visible-text.ts";

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
 * - the detectors read some characters as others (see detectors/visible-text.ts): a Unicode space
 *   separator as a space ("4111\u00a01111 …"), fullwidth digits and + ( ) - . and the hyphens
 *   U+2010–U+2012 as their ASCII forms, invisible characters (zero-width space, joiners, soft
 *   hyphen, U+FEFF) as nothing inside an entity, and a written-out `\uXXXX` as the character
 *   it names ("j\u00fcrgen@…"). So those count as space, group and entity characters here too,
 *   the backslash included: holding one of them a little longer costs nothing, and sending it
 *   early would cut an entity the whole-text scan redacts in one piece.
 * A tail is never longer than the entity it could become, and the two rules have bounds of their
 * own: a run of entity characters is held for at most `maxEntityLength` (the longest match of the
 * detectors this rule stands for: an address, an API key), a chain of groups for at most
 * `maxGroupedLength` (the longest card, phone, SSN or IBAN). So a long base64 run, or "1 1 1 …",
 * is released as it flows once no such entity could reach back into it, and each piece costs a
 * rescan of a few hundred characters at most. Matches that can be much longer (a JWT, a PEM block)
 * are not covered here: trackers that know where such a match must begin hold them (see
 * OpenPemBlocks below and Detector.openMatches).
 */
export interface OpenTailLimits {
  /** Longest match of the detectors the character rule stands for. */
  readonly maxEntityLength: number;
  /** Longest match among the types written as space-separated groups (0: none of them). */
  readonly maxGroupedLength: number;
}

const SPACE = 32;

function isEntityChar(c: number): boolean {
  if (c >= 48 && c <= 57) return true; // digits
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true; // ASCII letters
  // . ( ) : @ \, then atext (! # $ % & ' * + - / = ? ^ _ ` { | } ~), then "müller", "münchen"
  if (c === 46 || c === 40 || c === 41 || c === 58 || c === 64 || c === 92) return true;
  return isAtextSymbol(c) || isIntlWordChar(c) || isInvisible(c) || isNumericLookalike(c);
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
    c === 46 ||
    isInvisible(c) ||
    isNumericLookalike(c)
  );
}

/** A finished group that another group may follow after a space: has a digit, or is an IBAN block like "WEST". */
function isGroup(text: string, start: number, end: number): boolean {
  let letters = 0;
  let other = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19)) return true;
    if (c >= 65 && c <= 90) letters++;
    else if (!isInvisible(c)) other++;
  }
  return other === 0 && letters >= 1 && letters <= 4;
}

/** The ASCII space, or a Unicode space separator, which the detectors read as one. */
function isSpace(c: number): boolean {
  return c === SPACE || isUnicodeSpace(c);
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
  // A chain with a space in it can only be a grouped entity, so it reaches back no further.
  const chainFloor = Math.max(from, n - limits.maxGroupedLength);
  // The trailing group may still grow into a group; earlier ones must already be groups.
  let rightIsGroupish = tail === n || allGroupChars(text, tail, n);
  while (rightIsGroupish && tail - 1 > chainFloor && isSpace(text.charCodeAt(tail - 1))) {
    let groupStart = tail - 1;
    while (groupStart > chainFloor && isGroupChar(text.charCodeAt(groupStart - 1))) groupStart--;
    if (groupStart === tail - 1 || !isGroup(text, groupStart, tail - 1)) break;
    tail = groupStart;
    // A group glued to other text ("tel:+1 555") ends the chain, but the group itself stays open.
    rightIsGroupish = groupStart === chainFloor || isSpace(text.charCodeAt(groupStart - 1));
    if (!rightIsGroupish) break;
  }
  // Half an emoji is not text: its low surrogate is still to come.
  if (tail > from && isHighSurrogate(text.charCodeAt(tail - 1))) tail--;
  return Math.max(tail, from);
}

function allGroupChars(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isGroupChar(text.charCodeAt(i))) return false;
  return true;
}

const DASHES = "-----";
const BEGIN = "BEGIN";
const END = "END";
/** A marker may start this many characters before a piece and end in it: "-----BEGIN" less one. */
const CARRY = DASHES.length + BEGIN.length - 1;

/**
 * A PEM block may span lines and spaces: an unclosed `-----BEGIN` keeps everything from it open,
 * until a `-----END` after it and then the dashes that close that line arrive, or until the block
 * could no longer fit a match (`maxBlockLength`).
 *
 * Every unclosed BEGIN counts, not only the last: a key abandoned halfway and written again
 * ("-----BEGIN …(cut off)… -----BEGIN … -----END …-----") is one match from the first BEGIN to
 * the END for the whole-text scan, so its first half must not be sent in the meantime.
 *
 * Followed piece by piece, carrying only the few characters a marker split across pieces needs:
 * while a block is open the stream scanner holds it without looking at it again, so a 16 KiB block
 * trickling in a few characters at a time costs each piece its own length, not the block's.
 */
export class OpenPemBlocks implements OpenMatchTracker {
  /** The last characters read (at most CARRY), and the offset of the first of them. */
  private carry = "";
  private carryStart = 0;
  /** Offsets of the unclosed BEGINs, ascending, from `first` on. */
  private begins: number[] = [];
  private first = 0;
  /** Offset of the last `-----END` read, -1 before any. */
  private lastEnd = -1;

  constructor(private readonly maxBlockLength: number) {}

  push(piece: string): number {
    const text = this.carry + piece;
    const base = this.carryStart;
    const old = this.carry.length;
    for (let k = text.indexOf(DASHES); k >= 0; k = text.indexOf(DASHES, k + 1)) {
      const after = k + DASHES.length;
      const isBegin = text.startsWith(BEGIN, after);
      // Each marker counts once, in the piece where its last character arrives.
      if (after > old && !isBegin) this.closeLine(base + k);
      if (isBegin && after + BEGIN.length > old) {
        this.closeLine(base + k);
        this.begins.push(base + k);
      } else if (text.startsWith(END, after) && after + END.length > old) {
        this.lastEnd = base + k;
      }
    }
    const length = base + text.length;
    this.carry = text.slice(-CARRY);
    this.carryStart = length - this.carry.length;
    // A block longer than a match can be is no longer open.
    while (
      this.first < this.begins.length &&
      (this.begins[this.first] as number) < length - this.maxBlockLength
    )
      this.first++;
    if (this.first > 1024 && this.first * 2 > this.begins.length) {
      this.begins = this.begins.slice(this.first);
      this.first = 0;
    }
    return this.begins[this.first] ?? -1;
  }

  /** Dashes at `at` close the line of the last END, if they come after it: every BEGIN before that END is closed. */
  private closeLine(at: number): void {
    if (this.lastEnd < 0 || at < this.lastEnd + DASHES.length + END.length) return;
    const closed = this.lastEnd - DASHES.length - BEGIN.length;
    while (this.first < this.begins.length && (this.begins[this.first] as number) <= closed) this.first++;
  }
}
