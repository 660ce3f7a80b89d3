import { detectEach, resolveOverlaps } from "../detectors/index.ts";
import type { Detector, TextMatch } from "../detectors/types.ts";
import { type OpenTailLimits, openTailStart } from "./open-tail.ts";
import { PlaceholderRestorer } from "./placeholder-restorer.ts";
import { type RenderCounts, renderText, type TextReplacer } from "./redact-restore-text.ts";

export type { TextReplacer } from "./redact-restore-text.ts";

export interface StreamTextStats {
  matches: Map<string, number>;
  restored: number;
  /** Largest number of UTF-16 units held back after any push: the latency cost of the scan. */
  maxHeldChars: number;
}

/** The detector whose matches may span lines; its length bounds only the PEM rule. */
const BLOCK_TYPES = new Set(["PRIVATE_KEY"]);
/**
 * Built-in types whose shapes the character rule of open-tail.ts covers. Any other detector (a
 * custom pattern or keyword list from the policy data: "Project Falcon", any regex) may match
 * spaces or any character, so the last `maxMatchLength` characters are held for it.
 */
const CHARACTER_RULE_TYPES = new Set([
  "EMAIL",
  "PHONE",
  "CREDIT_CARD",
  "US_SSN",
  "IBAN",
  "IP_ADDRESS",
  "AWS_ACCESS_KEY",
  "GITHUB_TOKEN",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "JWT",
  "PRIVATE_KEY",
]);
/**
 * Left context kept for the next scan. Detectors look only a few characters before a match
 * (word boundaries; EMAIL looks back up to 192 characters before the '@', all inside the
 * held run), so this covers them with room to spare without rescanning kilobytes per piece.
 */
const CONTEXT_CHARS = 256;

/**
 * Redacts one text that arrives in pieces (the content deltas of one choice, or the arguments of
 * one tool call) so that the pieces it returns add up to `redactRestoreText` of the whole text.
 *
 * Each push scans a window: the held tail plus, as left context, the last CONTEXT_CHARS
 * characters already sent (detectors look at what precedes a match, e.g. "x4111…" is not a card).
 * It sends everything before the cut and holds the rest. The cut is the start of the open tail
 * (see open-tail.ts), moved back so that no detected match, no placeholder and no surrogate pair
 * is split by it: a match that touches the open tail may still grow or vanish, so it is held
 * whole. Matches entirely before the cut are final because a detector needs no more than the
 * entity and its neighbouring characters, all of which are in the window.
 */
export class StreamTextRedactor {
  private readonly limits: OpenTailLimits;
  /** Longest match of a detector the character rule does not describe: that many are always held. */
  private readonly opaqueLength: number;
  private readonly restorer: PlaceholderRestorer;
  private readonly counts: RenderCounts = { matches: new Map(), restored: 0 };
  /** Text already sent, kept only as left context for the next scan. */
  private context = "";
  private held = "";
  private maxHeld = 0;

  constructor(
    private readonly detectors: readonly Detector[],
    private readonly replacer: TextReplacer,
    /** The text is JSON (tool-call arguments as OpenAI and Anthropic stream them): see PlaceholderRestorer. */
    jsonText = false,
  ) {
    let maxEntityLength = 1;
    let maxBlockLength = 0;
    let opaqueLength = 0;
    for (const detector of detectors) {
      const length = detector.maxMatchLength;
      if (BLOCK_TYPES.has(detector.type)) maxBlockLength = Math.max(maxBlockLength, length);
      else maxEntityLength = Math.max(maxEntityLength, length);
      if (!CHARACTER_RULE_TYPES.has(detector.type)) opaqueLength = Math.max(opaqueLength, length);
    }
    this.opaqueLength = opaqueLength;
    this.limits = { maxEntityLength, maxBlockLength };
    this.restorer = new PlaceholderRestorer(replacer.restore, jsonText);
  }

  /** Returns the text that is final and may be sent now (possibly ""). */
  push(piece: string): string {
    if (piece === "") return "";
    return this.release(piece, false);
  }

  /** Flushes what was held: the text has ended, nothing can extend it any more. */
  end(): string {
    return this.release("", true);
  }

  stats(): StreamTextStats {
    return {
      matches: new Map(this.counts.matches),
      restored: this.counts.restored,
      maxHeldChars: this.maxHeld,
    };
  }

  private release(piece: string, final: boolean): string {
    const window = this.context + this.held + piece;
    const from = this.context.length;
    const tail = final ? window.length : this.openTail(window, from);
    if (tail === from) {
      // Nothing can be released yet: skip the scan, which matters for a long token run arriving
      // in small pieces (each push would otherwise rescan up to maxMatchLength characters).
      this.held = window.slice(from);
      this.maxHeld = Math.max(this.maxHeld, this.held.length);
      return "";
    }
    // One detection pass serves both: the cut is checked against every detector's own matches,
    // not only the merged ones (a match that lost an overlap to one that touches the tail wins
    // again if that one vanishes), and the merge reads the same list.
    const candidates = detectEach(window, this.detectors);
    const cut = final ? window.length : this.cutAt(window, from, tail, candidates);
    const matches = resolveOverlaps(candidates);
    const out = renderText(window, from, cut, matches, this.replacer, this.restorer, this.counts);
    this.context = window.slice(Math.max(0, cut - CONTEXT_CHARS), cut);
    this.held = window.slice(cut);
    this.maxHeld = Math.max(this.maxHeld, this.held.length);
    return out;
  }

  private openTail(window: string, from: number): number {
    let tail = openTailStart(window, from, this.limits);
    if (this.opaqueLength > 0) tail = Math.min(tail, window.length - this.opaqueLength);
    const prefix = this.restorer.openPrefixStart(window, from);
    if (prefix >= 0) tail = Math.min(tail, prefix);
    const c = window.charCodeAt(tail - 1);
    if (c >= 0xd800 && c <= 0xdbff) tail--;
    return Math.max(tail, from);
  }

  private cutAt(window: string, from: number, tail: number, matches: readonly TextMatch[]): number {
    let cut = tail;
    // Moving the cut back can put it inside something earlier, so repeat until nothing straddles it.
    for (;;) {
      let next = cut;
      for (const match of matches) {
        if (match.start < next && match.end >= next) next = match.start;
      }
      const placeholder = this.restorer.straddlingStart(window, next, from);
      if (placeholder >= 0) next = placeholder;
      const c = window.charCodeAt(next - 1);
      if (c >= 0xd800 && c <= 0xdbff) next--;
      next = Math.max(next, from);
      if (next === cut) return cut;
      cut = next;
    }
  }
}
