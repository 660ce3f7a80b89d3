import type { JsonContainer } from "../answer-text.ts";
import type { StreamTextRedactor } from "./stream-text-redactor.ts";

/**
 * How a text arrives: plain, or JSON text in pieces (OpenAI's tool-call and function-call
 * `arguments`, Anthropic's `partial_json`), whose string values are what a detector reads.
 */
export type TextStreamKind = "content" | "arguments";

/**
 * One text of a streamed answer: a member the model writes in pieces across events (a choice's
 * content, refusal, reasoning or audio transcript, one tool call's arguments, a content block's
 * text, a candidate's text). `member` names it within its choice (block, candidate) and is the
 * same in every event that adds to it; `place` is the codec's note of where its held text goes.
 */
export interface TextMember {
  readonly member: string;
  readonly kind: TextStreamKind;
  readonly place: unknown;
}

/** What ending a text released, with its codec's `place`. */
export interface FlushedText {
  readonly place: unknown;
  readonly text: string;
}

/** What ending a choice's (block's, candidate's) texts released, in the order they began. */
export interface FlushedChoice {
  readonly choice: number;
  readonly texts: readonly FlushedText[];
}

const MAX_OPEN_TEXTS = 1024;

interface OpenStream {
  readonly choice: number;
  readonly place: unknown;
  readonly redactor: StreamTextRedactor;
}

/**
 * One redactor per (choice, member), created on first use and ended on flush: each text keeps its
 * own hold-back state across events, so an entity split between two pieces of the same text is
 * still found, and two texts are never read as one.
 */
export class ChoiceTextStreams {
  private readonly open = new Map<string, OpenStream>();
  /**
   * What ended redactors found, folded in as each ends: a long stream opens a redactor per block,
   * tool call or whole value, and keeping them all for the totals would grow with it.
   */
  private readonly ended = { matches: new Map<string, number>(), restored: 0 };

  constructor(private readonly makeRedactor: (kind: TextStreamKind) => StreamTextRedactor) {}

  push(choice: number, text: TextMember, piece: string): string {
    const key = `${choice}/${text.member}`;
    let stream = this.open.get(key);
    if (!stream) {
      // Members come from the provider: a stream inventing new ones without end would grow a
      // redactor for each. Far more than any answer has; past it the stream fails closed.
      if (this.open.size >= MAX_OPEN_TEXTS) {
        throw new Error(`an answer stream opened more than ${MAX_OPEN_TEXTS} texts at once`);
      }
      stream = { choice, place: text.place, redactor: this.makeRedactor(text.kind) };
      this.open.set(key, stream);
    }
    return stream.redactor.push(piece);
  }

  /**
   * Passes the piece `owner[key]` through its text's stream and writes back what is released; true
   * when that differs (the event must be rewritten). Not a string, or empty: nothing to pass.
   */
  rewrite(owner: JsonContainer, key: string | number, choice: number, text: TextMember): boolean {
    const container = owner as Record<string | number, unknown>;
    const piece = container[key];
    if (typeof piece !== "string" || piece === "") return false;
    const released = this.push(choice, text, piece);
    if (released === piece) return false;
    container[key] = released;
    return true;
  }

  /**
   * `owner[key]` is a value that arrives whole (a tool call's input or args, a citation, code and
   * its output): redacted on its own, nothing held. True when it changed.
   */
  rewriteWhole(owner: JsonContainer, key: string | number): boolean {
    const container = owner as Record<string | number, unknown>;
    const value = container[key];
    if (typeof value !== "string" || value === "") return false;
    const redacted = this.redactWhole("content", value);
    if (redacted === value) return false;
    container[key] = redacted;
    return true;
  }

  /** Ends the streams of `choice` (all choices when undefined); choices with nothing left are omitted. */
  flush(choice?: number): FlushedChoice[] {
    const byChoice = new Map<number, FlushedText[]>();
    for (const [key, stream] of this.open) {
      if (choice !== undefined && stream.choice !== choice) continue;
      this.open.delete(key);
      const released = stream.redactor.end();
      add(this.ended, stream.redactor);
      if (released === "") continue;
      const texts = byChoice.get(stream.choice) ?? [];
      texts.push({ place: stream.place, text: released });
      byChoice.set(stream.choice, texts);
    }
    return [...byChoice]
      .map(([index, texts]) => ({ choice: index, texts }))
      .sort((a, b) => a.choice - b.choice);
  }

  /** Redacts a whole text on its own (a value that arrives whole, a cut event's bytes), counted in the totals. */
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
