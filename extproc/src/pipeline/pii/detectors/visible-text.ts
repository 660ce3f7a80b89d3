import { isIntlWordChar } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * What the detectors read: the text as a person or a model reads it, while every match keeps the
 * exact offsets of the original text (the redactor replaces that span). Three kinds of code units
 * read differently from what they are:
 *
 * - JSON escapes written out as text (a tool result or a log pasted into a message, json.dumps
 *   output): in `\n`, `\t`, `\r`, `\b`, `\f` and `\uXXXX` the letter and hex digits after the
 *   backslash are not part of the next word. They read as NEUTRAL (U+0001, which no detector
 *   accepts anywhere), so an escape right before an entity is a boundary ("\n4111…" is a card,
 *   "\njane@…" an address without the "n") and no match starts or ends inside an escape. An
 *   escaped backslash before the letter ("\\n", JSON text inside a JSON string) counts as well:
 *   one level further down it is the same escape.
 * - look-alikes: the Unicode space separators (NBSP U+00A0, U+1680, U+2000–U+200A, U+202F, U+205F,
 *   U+3000) read as a space; for the numeric detectors, fullwidth digits U+FF10–U+FF19 and
 *   fullwidth + ( ) - . read as their ASCII forms, and the hyphens U+2010–U+2012 (hyphen,
 *   non-breaking hyphen, figure dash) as "-".
 * - invisible characters: zero-width space, non-joiner and joiner (U+200B–U+200D), word joiner
 *   U+2060, U+FEFF and the soft hyphen U+00AD are ignored inside an entity, whose span then
 *   includes them.
 *
 * The first two replace one code unit by one, so that view (the aligned view) has the original's
 * offsets. Removing invisible characters shifts offsets, so it happens in a second view, the
 * joined view, built only for a text that has any (or a `\uXXXX` escape, which it decodes:
 * "j\u00fcrgen@m\u00fcnchen.de" reads "jürgen@münchen.de"); it maps each of its code units back
 * to the original span it came from. A detector runs on both views and overlapping matches are
 * merged into one span: an invisible character inside an entity joins it, and one at its edge
 * still separates it from a word as it does in the aligned view (U+200B is the word separator
 * of Thai and Khmer: "บัตร\u200b4111…" is a card).
 *
 * A text with none of these characters is handed to the detector as it is: that costs three
 * indexOf calls and one regex scan that V8 answers at once for a one-byte string (about 1 GB/s
 * on a two-byte one). The views of the last text are kept, so the detectors that scan one text one
 * after the other share them (and the numeric detectors share one tokenization of the aligned
 * view). Each view applies only the rewrites the text needs, each one native replace.
 *
 * Spans that hold invisible characters are longer than the entity as read, so they may exceed the
 * detector's maxMatchLength (which bounds the entity as read). A stream scanner that holds back by
 * character classes needs the predicates below (isUnicodeSpace as a group separator, isInvisible
 * and isNumericLookalike as entity characters) to keep such an entity whole.
 */

const NEUTRAL = 1;
const BACKSLASH = 92;

// What a text holds that a view changes, as bits: each view applies only the rewrites it needs.
const LETTER_ESCAPE = 1;
const UNICODE_ESCAPE = 2;
const SPACE = 4;
const INVISIBLE = 8;
const LOOKALIKE = 16;

/**
 * The characters above U+00FF that a view changes. Kept apart from the three below U+0100
 * (backslash, NBSP, soft hyphen), which indexOf finds at memory speed: V8 answers this class at
 * once on a one-byte string, which cannot hold any of them.
 */
const WIDE_SPECIAL =
  /[\u1680\u2000-\u200d\u2010-\u2012\u202f\u205f\u2060\u3000\ufeff\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff19]/;
const WIDE_SPACE = /[\u1680\u2000-\u200a\u202f\u205f\u3000]/;
const WIDE_INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/;
const LOOKALIKES = /[\u2010-\u2012\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff19]/;
const LETTER_ESCAPES = /\\[bfnrt]/g;
const UNICODE_ESCAPES = /\\u[0-9A-Fa-f]{4}/g;
const SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const NUMERIC_LOOKALIKES = /[\u2010-\u2012\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff19]/g;

/** Which of the characters a view changes `text` holds (0: none, the detectors read it as it is). */
function specialsIn(text: string): number {
  let found = 0;
  if (text.indexOf("\\") >= 0) {
    LETTER_ESCAPES.lastIndex = 0;
    if (LETTER_ESCAPES.test(text)) found |= LETTER_ESCAPE;
    UNICODE_ESCAPES.lastIndex = 0;
    if (UNICODE_ESCAPES.test(text)) found |= UNICODE_ESCAPE;
  }
  if (text.indexOf("\u00a0") >= 0) found |= SPACE;
  if (text.indexOf("\u00ad") >= 0) found |= INVISIBLE;
  if (WIDE_SPECIAL.test(text)) {
    if (WIDE_SPACE.test(text)) found |= SPACE;
    if (WIDE_INVISIBLE.test(text)) found |= INVISIBLE;
    if (LOOKALIKES.test(text)) found |= LOOKALIKE;
  }
  return found;
}

/** A Unicode space separator (Zs) other than the ASCII space. */
export function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

/** Zero-width space, non-joiner, joiner, word joiner, U+FEFF and the soft hyphen. */
export function isInvisible(c: number): boolean {
  return (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff || c === 0xad;
}

/** A fullwidth digit, + ( ) - . or a hyphen U+2010–U+2012, which the numeric detectors read as ASCII. */
export function isNumericLookalike(c: number): boolean {
  return numericLookalike(c) !== c;
}

/** The ASCII form a numeric detector reads for a fullwidth digit, + ( ) - . or a hyphen. */
function numericLookalike(c: number): number {
  if (
    (c >= 0xff10 && c <= 0xff19) ||
    c === 0xff08 ||
    c === 0xff09 ||
    c === 0xff0b ||
    c === 0xff0d ||
    c === 0xff0e
  )
    return c - 0xfee0;
  if (c >= 0x2010 && c <= 0x2012) return 45;
  return c;
}

function isLetterEscape(c: number): boolean {
  return c === 98 || c === 102 || c === 110 || c === 114 || c === 116; // b f n r t
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** The code unit `\uXXXX` at `at` stands for, or -1 when there is no such escape there. */
function unicodeEscapeAt(text: string, at: number): number {
  if (text.charCodeAt(at) !== BACKSLASH || text.charCodeAt(at + 1) !== 117) return -1;
  let value = 0;
  for (let i = at + 2; i < at + 6; i++) {
    const digit = hexValue(text.charCodeAt(i));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** The aligned view (without the numeric look-alikes): one code unit for one. */
function alignedView(text: string, specials: number): string {
  let view = text;
  if (specials & SPACE) view = view.replace(SPACES, " ");
  if (specials & LETTER_ESCAPE) view = view.replace(LETTER_ESCAPES, "\\\u0001");
  if (specials & UNICODE_ESCAPE) view = view.replace(UNICODE_ESCAPES, "\\\u0001\u0001\u0001\u0001\u0001");
  return view;
}

function withNumericLookalikes(view: string): string {
  return view.replace(NUMERIC_LOOKALIKES, (c) => String.fromCharCode(numericLookalike(c.charCodeAt(0))));
}

/**
 * The joined view: its text, the original text, and for each of its code units the original offset
 * it was read from. A unit spans one original code unit, or six for a decoded `\uXXXX` (every
 * escape the joined view meets is decoded, so an escape at a unit's offset is the one it read).
 */
interface JoinedView {
  readonly text: string;
  readonly source: string;
  readonly starts: Int32Array;
}

/** Original offset one past the code unit `k` of the joined view. */
function unitEnd(view: JoinedView, k: number): number {
  const start = view.starts[k] as number;
  return unicodeEscapeAt(view.source, start) >= 0 ? start + 6 : start + 1;
}

function joinedView(text: string, numeric: boolean): JoinedView {
  const n = text.length;
  const units = new Uint16Array(n);
  const starts = new Int32Array(n);
  let k = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    let next = i + 1;
    if (c === BACKSLASH) {
      const escaped = unicodeEscapeAt(text, i);
      if (escaped >= 0) {
        // Control characters (\u000a) separate words as a written-out "\n" does.
        c = escaped < 32 ? NEUTRAL : escaped;
        next = i + 6;
      } else if (isLetterEscape(text.charCodeAt(i + 1))) {
        units[k] = BACKSLASH;
        starts[k] = i;
        k++;
        c = NEUTRAL;
        i = next;
        next = i + 1;
      }
    }
    if (!isInvisible(c)) {
      units[k] = isUnicodeSpace(c) ? 32 : numeric ? numericLookalike(c) : c;
      starts[k] = i;
      k++;
    }
    i = next;
  }
  // utf16le copies code units as they are, lone surrogates included.
  const joined = Buffer.from(units.buffer, units.byteOffset, k * 2).toString("utf16le");
  return { text: joined, source: text, starts };
}

/**
 * Whether a `\uXXXX` escape decodes to something the aligned view reads differently (where it is
 * a run of NEUTRAL, a boundary): a letter or digit of an address, a space, an invisible character
 * or a numeric look-alike. Escaped punctuation (quotes, dashes, emoji halves, as json.dumps writes
 * them by default) reads the same either way.
 */
function decodesToText(code: number): boolean {
  if (code < 127) return code >= 32;
  if (isUnicodeSpace(code) || isInvisible(code) || numericLookalike(code) !== code) return true;
  // General punctuation (quotes, dashes, bullets) and emoji halves, the usual escapes: no letters.
  if ((code >= 0x2000 && code <= 0x206f) || (code >= 0xd800 && code <= 0xdfff)) return false;
  return isIntlWordChar(code);
}

/** Whether the joined view can read `text` differently from the aligned one. */
function needsJoined(text: string, specials: number): boolean {
  if (specials & INVISIBLE) return true;
  if ((specials & UNICODE_ESCAPE) === 0) return false;
  for (let at = text.indexOf("\\u"); at >= 0; at = text.indexOf("\\u", at + 1)) {
    const code = unicodeEscapeAt(text, at);
    if (code >= 0 && decodesToText(code)) return true;
  }
  return false;
}

/** The views of one text, built on first use. */
class Views {
  private plain: string | undefined;
  private numeric: string | undefined;
  private joinedPlain: JoinedView | null | undefined;
  private joinedNumeric: JoinedView | null | undefined;

  constructor(
    private readonly source: string,
    private readonly specials: number,
  ) {}

  /** Without numeric look-alikes the numeric view is the plain one: one tokenization serves all. */
  private get lookalikes(): boolean {
    return (this.specials & LOOKALIKE) !== 0;
  }

  alignedText(numeric: boolean): string {
    this.plain ??= alignedView(this.source, this.specials);
    if (!numeric || !this.lookalikes) return this.plain;
    this.numeric ??= withNumericLookalikes(this.plain);
    return this.numeric;
  }

  joinedText(numeric: boolean): JoinedView | null {
    if (this.joinedPlain === undefined) {
      this.joinedPlain = needsJoined(this.source, this.specials) ? joinedView(this.source, false) : null;
    }
    if (!numeric || !this.lookalikes || this.joinedPlain === null) return this.joinedPlain;
    this.joinedNumeric ??= joinedView(this.source, true);
    return this.joinedNumeric;
  }
}

let lastText: string | undefined;
let lastViews: Views | undefined;

/** The views of `text`, or undefined when the detectors can read it as it is. */
function viewsOf(text: string): Views | undefined {
  if (text !== lastText) {
    lastText = text;
    const specials = specialsIn(text);
    lastViews = specials === 0 ? undefined : new Views(text, specials);
  }
  return lastViews;
}

/**
 * A match in a view that has escapes in it never starts or ends inside one: NEUTRAL and the
 * backslash before it are trimmed off the edges (only a custom pattern can match them). Returns
 * false when nothing is left.
 */
function trimEscapes(view: string, span: { start: number; end: number }): boolean {
  let { start, end } = span;
  while (start < end && view.charCodeAt(start) === NEUTRAL) start++;
  while (end > start && view.charCodeAt(end - 1) === NEUTRAL) end--;
  if (end > start && view.charCodeAt(end - 1) === BACKSLASH && view.charCodeAt(end) === NEUTRAL) end--;
  span.start = start;
  span.end = end;
  return end > start;
}

function readAligned(view: string, matches: TextMatch[]): TextMatch[] {
  const out: TextMatch[] = [];
  for (const match of matches) {
    const span = { start: match.start, end: match.end };
    if (!trimEscapes(view, span)) continue;
    out.push(span.start === match.start && span.end === match.end ? match : { type: match.type, ...span });
  }
  return out;
}

function readJoined(view: JoinedView, matches: TextMatch[]): TextMatch[] {
  const out: TextMatch[] = [];
  for (const match of matches) {
    const span = { start: match.start, end: match.end };
    if (!trimEscapes(view.text, span)) continue;
    out.push({
      type: match.type,
      start: view.starts[span.start] as number,
      end: unitEnd(view, span.end - 1),
    });
  }
  return out;
}

/** One detector's matches from both views, sorted, overlapping ones merged into one span. */
function union(a: TextMatch[], b: TextMatch[]): TextMatch[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const all = [...a, ...b].sort((x, y) => x.start - y.start || y.end - x.end);
  const out: TextMatch[] = [];
  for (const match of all) {
    const last = out[out.length - 1];
    if (last !== undefined && match.start < last.end) {
      if (match.end > last.end) out[out.length - 1] = { type: last.type, start: last.start, end: match.end };
    } else {
      out.push(match);
    }
  }
  return out;
}

/**
 * The detector, reading the text as described above. `numeric`: the detector reads digits, so
 * fullwidth digits and their punctuation read as ASCII (cards, phones, SSNs, IP addresses). Every
 * other member of the detector is passed on as it is.
 */
export function readingVisibleText(detector: Detector, numeric: boolean): Detector {
  return {
    ...detector,
    detect(text: string): TextMatch[] {
      const views = viewsOf(text);
      if (views === undefined) return detector.detect(text);
      const aligned = views.alignedText(numeric);
      const found = readAligned(aligned, detector.detect(aligned));
      const joined = views.joinedText(numeric);
      if (joined === null) return found;
      return union(found, readJoined(joined, detector.detect(joined.text)));
    },
  };
}
