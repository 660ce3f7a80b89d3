/** Lines accepted by `append` and not yet handed to the disk, bounded so a stalled disk cannot exhaust memory. */
export class PendingLines {
  private lines: string[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  get isEmpty(): boolean {
    return this.lines.length === 0;
  }

  /** Adds `line` unless that would exceed the limit; returns whether it was added. */
  add(line: string): boolean {
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.maxBytes) return false;
    this.lines.push(line);
    this.size += bytes;
    return true;
  }

  /** Empties the backlog and returns what it held. */
  takeAll(): { lines: string[]; bytes: number } {
    const taken = { lines: this.lines, bytes: this.size };
    this.lines = [];
    this.size = 0;
    return taken;
  }
}
