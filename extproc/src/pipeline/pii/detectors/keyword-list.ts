import { isWordChar } from "./char-classes.ts";
import type { CompiledRule, TextMatch } from "./types.ts";
import { isInvisible, isUnicodeSpace } from "./visible-text.ts";

/**
 * Keyword lists from the policy data ("project code names"), matched as whole words with an
 * Aho–Corasick automaton: one pass over the text whatever the number of words, where a regex
 * alternation of thousands of words would cost time proportional to the list at every character
 * (the linear regexp engine simulates every branch at once).
 *
 * Case-insensitive by default, by folding each UTF-16 code unit on both sides (ASCII directly,
 * other code units through toLowerCase when that keeps a single code unit), so offsets in the text
 * never shift. Overlapping hits are resolved leftmost-longest.
 *
 * Words are read as the text is (visible-text.ts): a Unicode space separator in a word or in the
 * text is a space in either case mode ("Project\u00a0Bluebird" is "Project Bluebird"), and
 * invisible characters are left out of the words (the text's are ignored by the joined view).
 */
export interface KeywordRule {
  type: string;
  words: string[];
  case_sensitive?: boolean;
}

const MAX_WORD = 256;
const MAX_WORDS = 100_000;
/**
 * Cells of the dense transition table (states x distinct characters), 16 MB at most. Lists up to
 * some thousands of words fit and scan with one table read per character; larger lists keep the
 * sparse trie, which is slower per character but small.
 */
const MAX_DENSE_CELLS = 4 << 20;

/** Case folding of every UTF-16 code unit, built on first use: the dense table folds all of them. */
let foldTable: Uint16Array | undefined;

function buildFoldTable(): Uint16Array {
  const table = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    const lower = String.fromCharCode(c).toLowerCase();
    table[c] = isUnicodeSpace(c) ? 32 : lower.length === 1 ? lower.charCodeAt(0) : c;
  }
  return table;
}

function fold(c: number): number {
  foldTable ??= buildFoldTable();
  return foldTable[c] as number;
}

class Automaton {
  /** Transitions of the trie, keyed by state * 65536 + code unit. */
  private readonly next = new Map<number, number>();
  /** Root transitions as a table: most text characters start no keyword, and this is the hot path. */
  private readonly rootNext = new Int32Array(65536);
  private readonly fail: number[] = [0];
  /** Length of the longest keyword ending at each state, 0 if none. */
  private readonly output: number[] = [0];
  /** Next state on the fail chain that ends a keyword (dictionary link), -1 if none. */
  private readonly outputLink: number[] = [-1];
  private readonly dense: DenseTable | undefined;

  constructor(
    words: readonly string[],
    private readonly caseSensitive: boolean,
  ) {
    for (const word of words) this.add(word);
    this.link();
    this.dense = this.buildDense();
  }

  private code(c: number): number {
    if (!this.caseSensitive) return fold(c);
    return isUnicodeSpace(c) ? 32 : c;
  }

  private add(word: string): void {
    let state = 0;
    for (let i = 0; i < word.length; i++) {
      const key = state * 65536 + this.code(word.charCodeAt(i));
      let to = this.next.get(key);
      if (to === undefined) {
        to = this.fail.length;
        this.fail.push(0);
        this.output.push(0);
        this.outputLink.push(-1);
        this.next.set(key, to);
      }
      state = to;
    }
    this.output[state] = Math.max(this.output[state] as number, word.length);
  }

  /** Breadth-first failure links, the textbook construction. */
  private link(): void {
    const children = new Map<number, [number, number][]>();
    for (const [key, to] of this.next) {
      const from = Math.floor(key / 65536);
      const c = key % 65536;
      const list = children.get(from);
      if (list === undefined) children.set(from, [[c, to]]);
      else list.push([c, to]);
      if (from === 0) this.rootNext[c] = to;
    }
    const queue: number[] = [];
    for (const [, to] of children.get(0) ?? []) queue.push(to);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      for (const [c, to] of children.get(state) ?? []) {
        let f = this.fail[state] as number;
        let target = this.step(f, c);
        while (target === undefined && f !== 0) {
          f = this.fail[f] as number;
          target = this.step(f, c);
        }
        const failTo = target ?? 0;
        this.fail[to] = failTo;
        this.outputLink[to] =
          (this.output[failTo] as number) > 0 ? failTo : (this.outputLink[failTo] as number);
        queue.push(to);
      }
    }
  }

  private step(state: number, c: number): number | undefined {
    if (state === 0) {
      const to = this.rootNext[c] as number;
      return to === 0 ? undefined : to;
    }
    return this.next.get(state * 65536 + c);
  }

  /**
   * The automaton as a complete DFA over character classes: each text character maps to its class
   * (0 for a character in no word, which always leads back to the root), and each state has a
   * next state for every class, fail links already followed.
   */
  private buildDense(): DenseTable | undefined {
    const classOfCode = new Map<number, number>();
    for (const key of this.next.keys()) {
      const c = key % 65536;
      if (!classOfCode.has(c)) classOfCode.set(c, classOfCode.size + 1);
    }
    const width = classOfCode.size + 1;
    const states = this.fail.length;
    if (states * width > MAX_DENSE_CELLS) return undefined;
    const classOf = new Uint16Array(65536);
    for (let unit = 0; unit < 65536; unit++) classOf[unit] = classOfCode.get(this.code(unit)) ?? 0;
    const delta = new Int32Array(states * width);
    // Breadth-first, so a state's fail target (always shallower) is complete before the state.
    const order: number[] = [0];
    for (let head = 0; head < order.length; head++) {
      const state = order[head] as number;
      const failRow = (this.fail[state] as number) * width;
      for (const [code, cls] of classOfCode) {
        const to = this.step(state, code);
        if (to !== undefined) {
          delta[state * width + cls] = to;
          order.push(to);
        } else if (state !== 0) {
          delta[state * width + cls] = delta[failRow + cls] as number;
        }
      }
    }
    const ends = new Uint8Array(states);
    for (let state = 1; state < states; state++) {
      if ((this.output[state] as number) > 0 || (this.outputLink[state] as number) > 0) ends[state] = 1;
    }
    return { classOf, delta, width, ends };
  }

  /** Calls `hit(start, end)` for every keyword occurrence, ordered by end. */
  scan(text: string, hit: (start: number, end: number) => void): void {
    const dense = this.dense;
    if (!dense) {
      this.scanSparse(text, hit);
      return;
    }
    const { classOf, delta, width, ends } = dense;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = delta[state * width + (classOf[text.charCodeAt(i)] as number)] as number;
      if (ends[state] === 1) this.report(state, i, hit);
    }
  }

  private scanSparse(text: string, hit: (start: number, end: number) => void): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = this.code(text.charCodeAt(i));
      let to = this.step(state, c);
      while (to === undefined && state !== 0) {
        state = this.fail[state] as number;
        to = this.step(state, c);
      }
      state = to ?? 0;
      if (state !== 0) this.report(state, i, hit);
    }
  }

  /** Every keyword ending at text index `i` in `state`: the state's own, then its dictionary links. */
  private report(state: number, i: number, hit: (start: number, end: number) => void): void {
    for (let s = (this.output[state] as number) > 0 ? state : (this.outputLink[state] as number); s > 0; ) {
      hit(i + 1 - (this.output[s] as number), i + 1);
      s = this.outputLink[s] as number;
    }
  }
}

interface DenseTable {
  /** Character class of each UTF-16 code unit, folded as the words were. */
  readonly classOf: Uint16Array;
  /** Next state, at `state * width + class`. */
  readonly delta: Int32Array;
  readonly width: number;
  /** 1 for states where some keyword ends (its own or through a dictionary link). */
  readonly ends: Uint8Array;
}

/** The word as it reads: zero-width characters and soft hyphens left out. */
function withoutInvisible(word: string): string {
  let visible = "";
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!isInvisible(c)) visible += word[i];
  }
  return visible;
}

export function compileKeywordList(rule: KeywordRule): CompiledRule {
  const where = `keywords for ${rule.type}`;
  if (rule.words.length === 0 || rule.words.length > MAX_WORDS) {
    return { error: `${where}: between 1 and ${MAX_WORDS} words required` };
  }
  const words: string[] = [];
  for (const word of rule.words) {
    const visible = withoutInvisible(word);
    if (visible.trim().length === 0 || word.length > MAX_WORD) {
      return { error: `${where}: every word must be 1 to ${MAX_WORD} characters and not blank` };
    }
    words.push(visible);
  }
  const automaton = new Automaton(words, rule.case_sensitive === true);
  const longest = words.reduce((max, word) => Math.max(max, word.length), 0);
  const type = rule.type;
  return {
    detector: {
      type,
      maxMatchLength: longest,
      detect(text: string): TextMatch[] {
        const found: TextMatch[] = [];
        // Hits arrive ordered by end; a longer hit that starts earlier replaces the pending ones it overlaps.
        automaton.scan(text, (start, end) => {
          if (isWordChar(text.charCodeAt(start - 1)) || isWordChar(text.charCodeAt(end))) return;
          while (found.length > 0) {
            const last = found[found.length - 1] as TextMatch;
            if (last.end <= start) break;
            // Overlap: keep the leftmost, and the longer when both start at the same place.
            if (last.start < start || (last.start === start && last.end >= end)) return;
            found.pop();
          }
          found.push({ type, start, end });
        });
        return found;
      },
    },
  };
}
