import type { StreamTextRedactor } from "./stream-text-redactor.ts";

/**
 * The texts a streamed answer writes: each choice's content, refusal and legacy `text`, and the
 * arguments of each of its tool calls. Each is one text arriving in pieces, redacted on its own.
 */
export type TextStreamKind = "content" | "refusal" | "text" | "arguments";

/** What ending a choice's streams released, per stream. */
export interface FlushedChoice {
  readonly choice: number;
  content: string;
  refusal: string;
  text: string;
  /** Tool call index → flushed arguments. */
  readonly toolArguments: Map<number, string>;
}

interface OpenStream {
  readonly choice: number;
  readonly kind: TextStreamKind;
  readonly tool: number;
  readonly redactor: StreamTextRedactor;
}

/** One redactor per (choice, kind, tool call), created on first use and ended on flush. */
export class ChoiceTextStreams {
  private readonly open = new Map<string, OpenStream>();
  /** Every redactor ever created, ended ones included, for the totals in stats. */
  private readonly all: StreamTextRedactor[] = [];

  constructor(private readonly makeRedactor: (kind: TextStreamKind) => StreamTextRedactor) {}

  push(choice: number, kind: TextStreamKind, tool: number, piece: string): string {
    const key = `${choice}/${kind}/${tool}`;
    let stream = this.open.get(key);
    if (!stream) {
      stream = { choice, kind, tool, redactor: this.makeRedactor(kind) };
      this.open.set(key, stream);
      this.all.push(stream.redactor);
    }
    return stream.redactor.push(piece);
  }

  /** Ends the streams of `choice` (all choices when undefined); choices with nothing left are omitted. */
  flush(choice?: number): FlushedChoice[] {
    const byChoice = new Map<number, FlushedChoice>();
    for (const [key, stream] of this.open) {
      if (choice !== undefined && stream.choice !== choice) continue;
      this.open.delete(key);
      const released = stream.redactor.end();
      if (released === "") continue;
      let flushed = byChoice.get(stream.choice);
      if (!flushed) {
        flushed = { choice: stream.choice, content: "", refusal: "", text: "", toolArguments: new Map() };
        byChoice.set(stream.choice, flushed);
      }
      if (stream.kind === "arguments") flushed.toolArguments.set(stream.tool, released);
      else flushed[stream.kind] += released;
    }
    return [...byChoice.values()].sort((a, b) => a.choice - b.choice);
  }

  /** Redacts a whole text on its own (a cut event's bytes), counted in the totals. */
  redactWhole(kind: TextStreamKind, text: string): string {
    const redactor = this.makeRedactor(kind);
    this.all.push(redactor);
    return redactor.push(text) + redactor.end();
  }

  /** Some stream of `choice` (any choice when undefined) still holds text. */
  holding(choice?: number): boolean {
    for (const stream of this.open.values()) {
      if ((choice === undefined || stream.choice === choice) && !stream.redactor.idle) return true;
    }
    return false;
  }

  totals(): { matches: Map<string, number>; restored: number } {
    const matches = new Map<string, number>();
    let restored = 0;
    for (const redactor of this.all) {
      const stats = redactor.stats();
      restored += stats.restored;
      for (const [type, count] of stats.matches) matches.set(type, (matches.get(type) ?? 0) + count);
    }
    return { matches, restored };
  }
}
