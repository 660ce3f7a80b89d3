import { isDigit } from "./char-classes.ts";

/**
 * The digit-based detectors (phone, card, SSN, IPv4) all look at the same thing: groups of digits
 * joined by single separators, like "(555) 123-4567", "4111 1111 1111 1111" or "192.0.2.1". This
 * tokenizer finds those runs (a regex jumps to the next digit, code parses the run, no substring),
 * and each detector then decides which consecutive groups form its entity. A run is consumed whole before
 * the scan moves on, so the scan is linear however long a digit run is.
 */
export interface NumericRun {
  /** A '+' directly precedes the first group (offset `start`). */
  plus: boolean;
  /** Offset of the first character of the run: '+', '(' or a digit. */
  start: number;
  /** Number of groups. */
  count: number;
  /** Offset of the first digit of each group. */
  readonly groupStart: Int32Array;
  /** Offset one past the last digit of each group. */
  readonly groupEnd: Int32Array;
  /** 1 when the group was written in parentheses: "(" at groupStart-1, ")" at groupEnd. */
  readonly paren: Uint8Array;
  /** Separator code unit before each group (space, '-', '.'), 0 for none (after ")"), -1 for the first. */
  readonly sep: Int32Array;
}

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
function parenGroupEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== OPEN || !isDigit(text.charCodeAt(at + 1))) return -1;
  let i = at + 2;
  while (isDigit(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === CLOSE ? i + 1 : -1;
}

function startsGroup(text: string, at: number): boolean {
  return isDigit(text.charCodeAt(at)) || parenGroupEnd(text, at) >= 0;
}

class RunBuffer implements NumericRun {
  plus = false;
  start = 0;
  count = 0;
  groupStart = new Int32Array(64);
  groupEnd = new Int32Array(64);
  paren = new Uint8Array(64);
  sep = new Int32Array(64);

  push(start: number, end: number, paren: boolean, sep: number): void {
    if (this.count === this.groupStart.length) this.grow();
    const k = this.count++;
    this.groupStart[k] = start;
    this.groupEnd[k] = end;
    this.paren[k] = paren ? 1 : 0;
    this.sep[k] = sep;
  }

  private grow(): void {
    const size = this.groupStart.length * 2;
    const groupStart = new Int32Array(size);
    groupStart.set(this.groupStart);
    this.groupStart = groupStart;
    const groupEnd = new Int32Array(size);
    groupEnd.set(this.groupEnd);
    this.groupEnd = groupEnd;
    const paren = new Uint8Array(size);
    paren.set(this.paren);
    this.paren = paren;
    const sep = new Int32Array(size);
    sep.set(this.sep);
    this.sep = sep;
  }
}

// One buffer reused by every scan: detectors run synchronously and never nest scans.
const run = new RunBuffer();

/**
 * Finds the next place a run can open: a digit, "(" or "+" that is not glued to a word on its left
 * (no detector accepts "x123-45-6789" or base64's "a9Zk"). A regex rather than a charCodeAt loop
 * because irregexp scans in native code several times faster, and most prompt text has few
 * digits. `test` with lastIndex avoids allocating a match per hit.
 */
const RUN_OPENER = /(?:^|[^0-9A-Za-z_])[(+]?[0-9]/g;

/**
 * No detector can use a run with fewer than 8 digits unless it has 4 groups (an IPv4 address):
 * the shortest phone number is 8 digits, an SSN 9, a card 13. Dropping those early keeps years,
 * counts and prices from costing anything further.
 */
function usable(r: RunBuffer): boolean {
  if (r.count >= 4) return true;
  let digits = 0;
  for (let k = 0; k < r.count; k++) digits += (r.groupEnd[k] as number) - (r.groupStart[k] as number);
  return digits >= 8;
}

/**
 * Every run of the last text scanned, flattened, so the four digit detectors that scan the same
 * text one after the other (as detectAll does) tokenize it once. Compared by `===`, which is a
 * pointer check for the same string; the cache holds one string at a time.
 */
class RunCache {
  text: string | undefined;
  runs = 0;
  groups = 0;
  runStart = new Int32Array(256);
  runPlus = new Uint8Array(256);
  runGroups = new Int32Array(256);
  groupStart = new Int32Array(1024);
  groupEnd = new Int32Array(1024);
  paren = new Uint8Array(1024);
  sep = new Int32Array(1024);

  reset(): void {
    this.text = undefined;
    this.runs = 0;
    this.groups = 0;
  }

  add(r: RunBuffer): void {
    if (this.runs === this.runStart.length) {
      this.runStart = grown(this.runStart, new Int32Array(this.runs * 2));
      this.runPlus = grown(this.runPlus, new Uint8Array(this.runs * 2));
      this.runGroups = grown(this.runGroups, new Int32Array(this.runs * 2));
    }
    const needed = this.groups + r.count;
    if (needed > this.groupStart.length) {
      const size = Math.max(needed, this.groupStart.length * 2);
      this.groupStart = grown(this.groupStart, new Int32Array(size));
      this.groupEnd = grown(this.groupEnd, new Int32Array(size));
      this.paren = grown(this.paren, new Uint8Array(size));
      this.sep = grown(this.sep, new Int32Array(size));
    }
    this.runStart[this.runs] = r.start;
    this.runPlus[this.runs] = r.plus ? 1 : 0;
    this.runGroups[this.runs] = r.count;
    this.runs++;
    for (let k = 0, g = this.groups; k < r.count; k++, g++) {
      this.groupStart[g] = r.groupStart[k] as number;
      this.groupEnd[g] = r.groupEnd[k] as number;
      this.paren[g] = r.paren[k] as number;
      this.sep[g] = r.sep[k] as number;
    }
    this.groups = needed;
  }

  replay(visit: (run: NumericRun) => void): void {
    let g = 0;
    for (let k = 0; k < this.runs; k++) {
      const count = this.runGroups[k] as number;
      run.start = this.runStart[k] as number;
      run.plus = this.runPlus[k] === 1;
      run.count = 0;
      for (let j = 0; j < count; j++, g++) {
        run.push(
          this.groupStart[g] as number,
          this.groupEnd[g] as number,
          this.paren[g] === 1,
          this.sep[g] as number,
        );
      }
      visit(run);
    }
  }
}

function grown<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

const cache = new RunCache();

/** Calls `visit` for every numeric run in `text`, in order. The run object is reused between calls. */
export function scanNumericRuns(text: string, visit: (run: NumericRun) => void): void {
  if (cache.text === text) {
    cache.replay(visit);
    return;
  }
  cache.reset();
  tokenize(text, (r) => {
    if (!usable(run)) return;
    cache.add(run);
    visit(r);
  });
  // Only a complete scan is reused: a visitor that throws leaves no partial cache behind.
  cache.text = text;
}

function tokenize(text: string, visit: (run: NumericRun) => void): void {
  RUN_OPENER.lastIndex = 0;
  let from = 0;
  while (RUN_OPENER.test(text)) {
    // lastIndex is just past the first digit; step back over a "(" or "+" the regex matched with it.
    let i = RUN_OPENER.lastIndex - 1;
    const before = text.charCodeAt(i - 1);
    if ((before === OPEN || before === PLUS) && i - 1 >= from) i--;
    from = parseRun(text, i, visit);
    // "(" or "+" that opened nothing ("(1234567890"): the digit after it still opens a run.
    if (from === i + 1 && i + 1 < RUN_OPENER.lastIndex) from = parseRun(text, i + 1, visit);
    RUN_OPENER.lastIndex = from;
  }
}

/** Parses the run opening at `i` (or skips one character if none opens there); returns where to go on. */
function parseRun(text: string, i: number, visit: (run: NumericRun) => void): number {
  const c = text.charCodeAt(i);
  let at = i;
  run.plus = false;
  if (c === PLUS) {
    if (!startsGroup(text, i + 1)) return i + 1;
    run.plus = true;
    at = i + 1;
  } else if (!startsGroup(text, i)) {
    return i + 1;
  }
  run.start = i;
  run.count = 0;
  let sep = -1;
  for (;;) {
    const close = parenGroupEnd(text, at);
    let end: number;
    if (close >= 0) {
      run.push(at + 1, close - 1, true, sep);
      end = close;
    } else {
      end = at;
      while (isDigit(text.charCodeAt(end))) end++;
      run.push(at, end, false, sep);
    }
    const next = text.charCodeAt(end);
    if (close >= 0 && isDigit(next)) {
      sep = 0;
      at = end;
    } else if (isSeparator(next) && startsGroup(text, end + 1)) {
      sep = next;
      at = end + 1;
    } else {
      visit(run);
      return end;
    }
  }
}

/** Offset of the first character of group k as written: its "(" or "+" included. */
export function groupSpanStart(r: NumericRun, k: number): number {
  if (k === 0) return r.start;
  return (r.groupStart[k] as number) - (r.paren[k] as number);
}

/** Offset one past group k as written: its ")" included. */
export function groupSpanEnd(r: NumericRun, k: number): number {
  return (r.groupEnd[k] as number) + (r.paren[k] as number);
}

export function groupLength(r: NumericRun, k: number): number {
  return (r.groupEnd[k] as number) - (r.groupStart[k] as number);
}
