/**
 * An ordered, multi-valued header map with lower-case names, like Envoy's HeaderMapImpl.
 * Values are byte strings held as latin1 so they survive the trip to raw_value and back.
 */
export class HeaderMap {
  private entries: Array<[string, string]> = [];

  static fromEntries(entries: Iterable<readonly [string, string]>): HeaderMap {
    const map = new HeaderMap();
    for (const [name, value] of entries) map.add(name, value);
    return map;
  }

  /** Node's raw header list keeps the order and duplicates the client sent. */
  static fromRawHeaders(raw: readonly string[]): HeaderMap {
    const map = new HeaderMap();
    for (let i = 0; i + 1 < raw.length; i += 2) map.add(raw[i] ?? "", raw[i + 1] ?? "");
    return map;
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.entries.find(([n]) => n === key)?.[1];
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.entries.filter(([n]) => n === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Pseudo-headers stay ahead of regular headers, as in Envoy. */
  add(name: string, value: string): void {
    const key = name.toLowerCase();
    if (key.startsWith(":")) {
      const firstRegular = this.entries.findIndex(([n]) => !n.startsWith(":"));
      this.entries.splice(firstRegular === -1 ? this.entries.length : firstRegular, 0, [key, value]);
    } else {
      this.entries.push([key, value]);
    }
  }

  /** Replaces the first occurrence in place and drops the others; adds when absent. */
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    const index = this.entries.findIndex(([n]) => n === key);
    if (index === -1) {
      this.add(key, value);
      return;
    }
    this.entries[index] = [key, value];
    this.entries = this.entries.filter(([n], i) => n !== key || i === index);
  }

  remove(name: string): void {
    const key = name.toLowerCase();
    this.entries = this.entries.filter(([n]) => n !== key);
  }

  removeIf(predicate: (name: string) => boolean): void {
    this.entries = this.entries.filter(([n]) => !predicate(n));
  }

  toEntries(): Array<[string, string]> {
    return this.entries.map(([n, v]) => [n, v]);
  }

  clone(): HeaderMap {
    return HeaderMap.fromEntries(this.entries);
  }

  /** Regular headers grouped for node's http APIs (pseudo-headers left out). */
  toNodeHeaders(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this.entries) {
      if (name.startsWith(":")) continue;
      const existing = out[name];
      if (existing === undefined) out[name] = value;
      else out[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return out;
  }
}
