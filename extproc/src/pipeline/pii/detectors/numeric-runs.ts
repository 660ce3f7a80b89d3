import { endianness } from "node:os";
import { isDigit, isLeftBoundary, isRightBoundary } from "./char-classes.ts";
import type { TextMatch } from "./types.ts";

/**
 * The digit-based detectors (phone, card, SSN, IPv4) all look at the same thing: groups of digits
 * joined by single separators, like "(555) 123-4567", "4111 1111 1111 1111" or "192.0.2.1". This
 * tokenizer finds those runs (a regex jumps to the next digit, code parses the run, no substring)
 * and records them once per text in flat typed arrays; each detector then walks the table and
 * decides which consecutive groups form its entity. A run is consumed whole before the scan moves
 * on, so the scan is linear however long a digit run is.
 *
 * The text is first copied into a reused Uint16Array (one native write, about a tenth of a
 * nanosecond per character): reading code units from a typed array is several times cheaper than
 * charCodeAt, which has to dispatch on the string's representation at every call, and digit-heavy
 * text (logs, tables) is walked character by character here.
 */

export const SPACE = 32;
export const DASH = 45;
export const DOT = 46;
const PLUS = 43;
const OPEN = 40;
const CLOSE = 41;

function isSeparator(c: number): boolean {
  return c === SPACE || c === DASH || c === DOT;
}

/** Offset one past ")" when `at` opens "(digits)", else -1. */
function parenGroupEnd(codes: Uint16Array, at: number): number {
  if (codes[at] !== OPEN || !isDigit(codes[at + 1] as number)) return -1;
  let i = at + 2;
  while (isDigit(codes[i] as number)) i++;
  return codes[i] === CLOSE ? i + 1 : -1;
}

function startsGroup(codes: Uint16Array, at: number): boolean {
  const c = codes[at] as number;
  return isDigit(c) || (c === OPEN && parenGroupEnd(codes, at) >= 0);
}

const LITTLE_ENDIAN = endianness() === "LE";
// Texts up to this many code units reuse one buffer; a longer one gets its own, dropped after use.
const KEPT_CAPACITY = 1 << 20;
let keptCodes = new Uint16Array(16 * 1024);
let keptBytes = Buffer.from(keptCodes.buffer, keptCodes.byteOffset, keptCodes.byteLength);

/**
 * The code units of `text`, followed by a 0 so that reading one past the end needs no bounds
 * check (0 is neither a digit nor a separator).
 */
function codeUnits(text: string): Uint16Array {
  const needed = text.length + 1;
  let codes = keptCodes;
  let bytes = keptBytes;
  if (needed > codes.length) {
    codes = new Uint16Array(Math.max(needed, Math.min(codes.length * 2, KEPT_CAPACITY)));
    bytes = Buffer.from(codes.buffer, codes.byteOffset, codes.byteLength);
    if (codes.length <= KEPT_CAPACITY) {
      keptCodes = codes;
      keptBytes = bytes;
    }
  }
  // utf16le copies UTF-16 code units as they are, lone surrogates included.
  if (LITTLE_ENDIAN) bytes.write(text, 0, text.length * 2, "utf16le");
  else for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  codes[text.length] = 0;
  return codes;
}

/**
 * One run of the table, as seen by a detector: group k of the run is entry `base + k` of the
 * table's flat arrays. The object is reused: `RunTable.select` points it at another run.
 */
export class NumericRun {
  /** A '+' directly precedes the first group (offset `start`). */
  plus = false;
  /** Offset of the first character of the run: '+', '(' or a digit. */
  start = 0;
  /** Number of groups. */
  count = 0;
  /** Index of the run's first group in the table. */
  base = 0;
  /** Number of digits in all groups. */
  digits = 0;

  constructor(private readonly table: RunTable) {}

  /** Offset of the first digit of group k. */
  groupStart(k: number): number {
    return this.table.groupStart[this.base + k] as number;
  }

  /** Offset one past the last digit of group k. */
  groupEnd(k: number): number {
    return this.table.groupEnd[this.base + k] as number;
  }

  /** 1 when group k was written in parentheses: "(" at groupStart-1, ")" at groupEnd. */
  paren(k: number): number {
    return this.table.paren[this.base + k] as number;
  }

  /** Separator code unit before group k (space, '-', '.'), 0 for none (after ")"), -1 for the first. */
  sep(k: number): number {
    return this.table.sep[this.base + k] as number;
  }

  groupLength(k: number): number {
    const g = this.base + k;
    return (this.table.groupEnd[g] as number) - (this.table.groupStart[g] as number);
  }

  /** Offset of the first character of group k as written: its "(" or "+" included. */
  spanStart(k: number): number {
    if (k === 0) return this.start;
    const g = this.base + k;
    return (this.table.groupStart[g] as number) - (this.table.paren[g] as number);
  }

  /** Offset one past group k as written: its ")" included. */
  spanEnd(k: number): number {
    const g = this.base + k;
    return (this.table.groupEnd[g] as number) + (this.table.paren[g] as number);
  }
}

/**
 * Every usable run of one text, flattened. The four digit detectors that scan the same text one
 * after the other (as detectAll does) tokenize it once: the table is kept for the last text and
 * compared by `===`, which is a pointer check for the same string.
 */
export class RunTable {
  text: string | undefined;
  /** Number of runs. */
  count = 0;
  groups = 0;
  runStart = new Int32Array(256);
  runPlus = new Uint8Array(256);
  runBase = new Int32Array(256);
  runGroups = new Int32Array(256);
  runDigits = new Int32Array(256);
  groupStart = new Int32Array(1024);
  groupEnd = new Int32Array(1024);
  paren = new Uint8Array(1024);
  sep = new Int32Array(1024);
  readonly run = new NumericRun(this);

  /** Points `run` at run r and returns it. */
  select(r: number): NumericRun {
    const run = this.run;
    run.start = this.runStart[r] as number;
    run.plus = this.runPlus[r] === 1;
    run.base = this.runBase[r] as number;
    run.count = this.runGroups[r] as number;
    run.digits = this.runDigits[r] as number;
    return run;
  }

  pushGroup(start: number, end: number, paren: number, sep: number): void {
    const g = this.groups;
    if (g === this.groupStart.length) {
      const size = g * 2;
      this.groupStart = grown(this.groupStart, new Int32Array(size));
      this.groupEnd = grown(this.groupEnd, new Int32Array(size));
      this.paren = grown(this.paren, new Uint8Array(size));
      this.sep = grown(this.sep, new Int32Array(size));
    }
    this.groupStart[g] = start;
    this.groupEnd[g] = end;
    this.paren[g] = paren;
    this.sep[g] = sep;
    this.groups = g + 1;
  }

  /**
   * Keeps the groups pushed since `base` as one run, or drops them. No detector can use a run with
   * fewer than 8 digits unless it has 4 groups (an IPv4 address): the shortest phone number is 8
   * digits, an SSN 9, a card 13. Dropping those early keeps years, counts and prices from costing
   * anything further.
   */
  commit(start: number, plus: boolean, base: number): void {
    const groups = this.groups - base;
    let digits = 0;
    for (let g = base; g < this.groups; g++)
      digits += (this.groupEnd[g] as number) - (this.groupStart[g] as number);
    if (groups < 4 && digits < 8) {
      this.groups = base;
      return;
    }
    const r = this.count;
    if (r === this.runStart.length) {
      const size = r * 2;
      this.runStart = grown(this.runStart, new Int32Array(size));
      this.runPlus = grown(this.runPlus, new Uint8Array(size));
      this.runBase = grown(this.runBase, new Int32Array(size));
      this.runGroups = grown(this.runGroups, new Int32Array(size));
      this.runDigits = grown(this.runDigits, new Int32Array(size));
    }
    this.runStart[r] = start;
    this.runPlus[r] = plus ? 1 : 0;
    this.runBase[r] = base;
    this.runGroups[r] = groups;
    this.runDigits[r] = digits;
    this.count = r + 1;
  }
}

function grown<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

// One table shared by every detector: detectors run synchronously and never nest scans.
const table = new RunTable();

/**
 * Finds the next digit that can open a run: one not glued to a word on its left (no detector
 * accepts "x123-45-6789" or base64's "a9Zk"). A "(" or "+" just before it is picked up by the
 * caller. The lookbehind leaves the regex starting with a digit class, which irregexp scans for in
 * native code several times faster than a charCodeAt loop; `test` with lastIndex allocates nothing.
 */
const RUN_OPENER = /(?<![0-9A-Za-z_])[0-9]/g;

/**
 * How far past the end of a run the next opener is looked for in code before the regex takes
 * over: each regex call costs as much as scanning a few dozen characters, and in tables and logs
 * the next number is usually a few characters away.
 */
const NEAR = 24;

/** [0-9A-Za-z_], what RUN_OPENER's lookbehind refuses. */
function gluesLeft(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** First digit at or after `from` that is not glued to a word on its left, or -1. */
function nextOpener(text: string, codes: Uint16Array, from: number): number {
  const limit = Math.min(text.length, from + NEAR);
  let previous = from > 0 ? (codes[from - 1] as number) : 0;
  for (let d = from; d < limit; d++) {
    const c = codes[d] as number;
    if (isDigit(c) && !gluesLeft(previous)) return d;
    previous = c;
  }
  if (limit >= text.length) return -1;
  RUN_OPENER.lastIndex = limit;
  return RUN_OPENER.test(text) ? RUN_OPENER.lastIndex - 1 : -1;
}

/** The usable numeric runs of `text`, tokenized once per text. */
export function numericRuns(text: string): RunTable {
  if (table.text === text) return table;
  table.text = undefined;
  table.count = 0;
  table.groups = 0;
  tokenize(text, codeUnits(text));
  table.text = text;
  return table;
}

function tokenize(text: string, codes: Uint16Array): void {
  let from = 0;
  // A run never opens at the character where the previous one stopped: that character is not a
  // digit, or it is the digit after a "(" or "+" that opened nothing, retried below.
  for (let digit = nextOpener(text, codes, 0); digit >= 0; digit = nextOpener(text, codes, from + 1)) {
    // Step back over a "(" or "+" just before the digit.
    let i = digit;
    const before = digit > 0 ? codes[digit - 1] : 0;
    if ((before === OPEN || before === PLUS) && i - 1 >= from) i--;
    from = parseRun(codes, i);
    // "(" or "+" that opened nothing ("(1234567890"): the digit after it still opens a run.
    if (from === i + 1 && i < digit) from = parseRun(codes, digit);
  }
}

/** Parses the run opening at `i` (or skips one character if none opens there); returns where to go on. */
function parseRun(codes: Uint16Array, i: number): number {
  const c = codes[i] as number;
  let at = i;
  let plus = false;
  if (c === PLUS) {
    if (!startsGroup(codes, i + 1)) return i + 1;
    plus = true;
    at = i + 1;
  } else if (!startsGroup(codes, i)) {
    return i + 1;
  }
  const base = table.groups;
  let sep = -1;
  for (;;) {
    const close = codes[at] === OPEN ? parenGroupEnd(codes, at) : -1;
    let end: number;
    if (close >= 0) {
      table.pushGroup(at + 1, close - 1, 1, sep);
      end = close;
    } else {
      end = at + 1;
      while (isDigit(codes[end] as number)) end++;
      table.pushGroup(at, end, 0, sep);
    }
    const next = codes[end] as number;
    if (close >= 0 && isDigit(next)) {
      sep = 0;
      at = end;
    } else if (isSeparator(next) && startsGroup(codes, end + 1)) {
      sep = next;
      at = end + 1;
    } else {
      table.commit(i, plus, base);
      return end;
    }
  }
}

/**
 * The scan that card and phone detection share: inside each run with at least `minDigits` digits,
 * a candidate starts at a token start (the run's start on a boundary, or a group after a space),
 * `endAt` gives the last group of the entity starting at group k (-1: none), and a match is taken
 * when it ends before another group or on a boundary; the scan goes on after it. `asWritten`
 * includes a group's "(" ")" and the run's "+" in the match (a phone number), else the match is
 * the digits (a card inside parentheses).
 */
export function detectGroupTokens(
  text: string,
  type: string,
  minDigits: number,
  skipPlus: boolean,
  asWritten: boolean,
  endAt: (text: string, run: NumericRun, from: number) => number,
): TextMatch[] {
  const found: TextMatch[] = [];
  const runs = numericRuns(text);
  for (let r = 0; r < runs.count; r++) {
    const run = runs.select(r);
    if (run.digits < minDigits) continue;
    let k = skipPlus && run.plus ? 1 : 0;
    while (k < run.count) {
      const startsToken = k === 0 ? isLeftBoundary(text, run.start - 1) : run.sep(k) === SPACE;
      const to = startsToken ? endAt(text, run, k) : -1;
      const end = to < 0 ? -1 : asWritten ? run.spanEnd(to) : run.groupEnd(to);
      if (to >= 0 && (to + 1 < run.count || isRightBoundary(text, end))) {
        found.push({ type, start: asWritten ? run.spanStart(k) : run.groupStart(k), end });
        k = to + 1;
      } else {
        k++;
      }
    }
  }
  return found;
}
