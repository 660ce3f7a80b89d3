/**
 * Puts original values back in place of this request's placeholders, for text that arrives in
 * pieces. The restore map is read live: a `PiiReplacements` may add entries after a restorer is
 * made, so everything derived from the keys is rebuilt whenever the map's size changes.
 *
 * Only whole keys are restored, leftmost first and, where two keys start at the same place, the
 * longest one, so the result never depends on where the text was cut.
 */
/**
 * What is derived from one restore map's keys. Shared by every restorer over the same map: an
 * answer makes one restorer per text (each string value of a JSON answer, each Gemini argument
 * string, each streamed text), and rebuilding the pattern for each would cost the size of the map
 * every time.
 */
interface KeyIndex {
  readonly size: number;
  /** Longest first: at one position the regex alternation takes the first alternative that fits. */
  readonly keys: readonly string[];
  readonly longest: number;
  readonly pattern: RegExp | undefined;
  /** Proper prefixes of the keys, built on first use: only a stream's cuts ask for them. */
  prefixes: Set<string> | undefined;
}

const indexes = new WeakMap<ReadonlyMap<string, string>, KeyIndex>();

function keyIndex(restore: ReadonlyMap<string, string>): KeyIndex {
  const known = indexes.get(restore);
  if (known !== undefined && known.size === restore.size) return known;
  const keys = [...restore.keys()].filter((key) => key !== "").sort((a, b) => b.length - a.length);
  const index: KeyIndex = {
    size: restore.size,
    keys,
    longest: keys[0]?.length ?? 0,
    pattern: keys.length > 0 ? new RegExp(keys.map(escapeRegExp).join("|"), "g") : undefined,
    prefixes: undefined,
  };
  indexes.set(restore, index);
  return index;
}

function prefixesOf(index: KeyIndex): Set<string> {
  if (index.prefixes !== undefined) return index.prefixes;
  const prefixes = new Set<string>();
  for (const key of index.keys) {
    for (let n = 1; n < key.length; n++) prefixes.add(key.slice(0, n));
  }
  index.prefixes = prefixes;
  return prefixes;
}

export class PlaceholderRestorer {
  /**
   * `asJsonText`: the text is JSON (a streamed tool call's arguments), where a placeholder sits
   * inside a string literal, so an original is written as string content: quotes, backslashes and
   * control characters escaped, and the arguments stay valid JSON whatever the value holds.
   */
  constructor(
    private readonly restore: ReadonlyMap<string, string>,
    private readonly asJsonText = false,
  ) {}

  get active(): boolean {
    return this.restore.size > 0;
  }

  /** Restores every whole placeholder in `text`; `onRestore` is called once per restored value. */
  apply(text: string, onRestore: () => void): string {
    if (!this.active || text === "") return text;
    const pattern = keyIndex(this.restore).pattern;
    if (!pattern) return text;
    return text.replace(pattern, (token) => {
      const original = this.restore.get(token);
      if (original === undefined) return token;
      onRestore();
      return this.asJsonText ? JSON.stringify(original).slice(1, -1) : original;
    });
  }

  /**
   * Start of the longest suffix of `text[from..]` that is a proper prefix of some placeholder, or
   * -1: that suffix may still become a placeholder when the next piece arrives, so it is held.
   */
  openPrefixStart(text: string, from: number): number {
    if (!this.active) return -1;
    const index = keyIndex(this.restore);
    const prefixes = prefixesOf(index);
    const lo = Math.max(from, text.length - index.longest + 1);
    for (let s = lo; s < text.length; s++) {
      if (prefixes.has(text.slice(s))) return s;
    }
    return -1;
  }

  /**
   * The start of a placeholder occurrence that crosses `cut` (begins before it, ends after it), or
   * -1. Cutting there would leave two halves that are each restored as plain text.
   */
  straddlingStart(text: string, cut: number, from: number): number {
    if (!this.active) return -1;
    const index = keyIndex(this.restore);
    const prefixes = prefixesOf(index);
    for (let s = Math.max(from, cut - index.longest + 1); s < cut; s++) {
      // A key crossing the cut from s starts with text[s..cut): only then are the keys worth trying.
      if (!prefixes.has(text.slice(s, cut))) continue;
      for (const key of index.keys) {
        if (s + key.length > cut && text.startsWith(key, s)) return s;
      }
    }
    return -1;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
