/**
 * Puts original values back in place of this request's placeholders, for text that arrives in
 * pieces. The restore map is read live: a `PiiReplacements` adds entries while the answer is being
 * redacted, so everything derived from the keys is rebuilt whenever the map's size changes.
 *
 * Only whole keys are restored, leftmost first and, where two keys start at the same place, the
 * longest one, so the result never depends on where the text was cut.
 */
export class PlaceholderRestorer {
  private builtForSize = -1;
  private pattern: RegExp | undefined;
  private prefixes = new Set<string>();
  private keys: string[] = [];
  private longest = 0;

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

  /** Length of the longest placeholder: how far a straddling one can reach. */
  get maxKeyLength(): number {
    this.rebuild();
    return this.longest;
  }

  /** Restores every whole placeholder in `text`; `onRestore` is called once per restored value. */
  apply(text: string, onRestore: () => void): string {
    if (!this.active || text === "") return text;
    this.rebuild();
    const pattern = this.pattern;
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
    this.rebuild();
    const lo = Math.max(from, text.length - this.longest + 1);
    for (let s = lo; s < text.length; s++) {
      if (this.prefixes.has(text.slice(s))) return s;
    }
    return -1;
  }

  /**
   * The start of a placeholder occurrence that crosses `cut` (begins before it, ends after it), or
   * -1. Cutting there would leave two halves that are each restored as plain text.
   */
  straddlingStart(text: string, cut: number, from: number): number {
    if (!this.active) return -1;
    this.rebuild();
    for (let s = Math.max(from, cut - this.longest + 1); s < cut; s++) {
      for (const key of this.keys) {
        if (s + key.length > cut && text.startsWith(key, s)) return s;
      }
    }
    return -1;
  }

  private rebuild(): void {
    if (this.builtForSize === this.restore.size) return;
    this.builtForSize = this.restore.size;
    // Longest first: at one position the regex alternation takes the first alternative that fits.
    this.keys = [...this.restore.keys()].filter((key) => key !== "").sort((a, b) => b.length - a.length);
    this.longest = this.keys[0]?.length ?? 0;
    this.pattern = this.keys.length > 0 ? new RegExp(this.keys.map(escapeRegExp).join("|"), "g") : undefined;
    this.prefixes = new Set();
    for (const key of this.keys) {
      for (let n = 1; n < key.length; n++) this.prefixes.add(key.slice(0, n));
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
