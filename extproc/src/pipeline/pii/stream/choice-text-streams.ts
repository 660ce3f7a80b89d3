import type { JsonObject } from "../../json-object.ts";
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
  /**
   * What ended redactors found, folded in as each ends: a long stream opens a redactor per block,
   * tool call or Gemini argument string, and keeping them all for the totals would grow with it.
   */
  private readonly ended = { matches: new Map<string, number>(), restored: 0 };

  constructor(private readonly makeRedactor: (kind: TextStreamKind) => StreamTextRedactor) {}

  push(choice: number, kind: TextStreamKind, tool: number, piece: string): string {
    const key = `${choice}/${kind}/${tool}`;
    let stream = this.open.get(key);
    if (!stream) {
      stream = { choice, kind, tool, redactor: this.makeRedactor(kind) };
      this.open.set(key, stream);
    }
    return stream.redactor.push(piece);
  }

  /**
   * Passes the piece `owner[key]` through its stream and writes back what is released; true when
   * that differs (the event must be rewritten). Not a string, or empty: nothing to pass.
   */
  rewrite(owner: JsonObject, key: string, choice: number, kind: TextStreamKind, tool = 0): boolean {
    const piece = owner[key];
    if (typeof piece !== "string" || piece === "") return false;
    const released = this.push(choice, kind, tool, piece);
    if (released === piece) return false;
    owner[key] = released;
    return true;
  }

  /** Ends the streams of `choice` (all choices when undefined); choices with nothing left are omitted. */
  flush(choice?: number): FlushedChoice[] {
    const byChoice = new Map<number, FlushedChoice>();
    for (const [key, stream] of this.open) {
      if (choice !== undefined && stream.choice !== choice) continue;
      this.open.delete(key);
      const released = stream.redactor.end();
      add(this.ended, stream.redactor);
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
    const redacted = redactor.push(text) + redactor.end();
    add(this.ended, redactor);
    return redacted;
  }

  totals(): { matches: Map<string, number>; restored: number } {
    const totals = { matches: new Map(this.ended.matches), restored: this.ended.restored };
    for (const stream of this.open.values()) add(totals, stream.redactor);
    return totals;
  }
}

function add(totals: { matches: Map<string, number>; restored: number }, redactor: StreamTextRedactor): void {
  const stats = redactor.stats();
  totals.restored += stats.restored;
  for (const [type, count] of stats.matches)
    totals.matches.set(type, (totals.matches.get(type) ?? 0) + count);
}
