import { detectEach, resolveOverlaps } from "../detectors/index.ts";
import type { Detector, OpenMatchTracker, TextMatch } from "../detectors/types.ts";
import { ESCAPE, JsonTextView, OTHER, VALUE } from "./json-text-view.ts";
import { OpenPemBlocks, type OpenTailLimits, openTailStart } from "./open-tail.ts";
import { PlaceholderRestorer } from "./placeholder-restorer.ts";
import { type RenderCounts, renderText, type TextReplacer } from "./redact-restore-text.ts";

export type { TextReplacer } from "./redact-restore-text.ts";

export interface StreamTextStats {
  matches: Map<string, number>;
  restored: number;
  /** Largest number of UTF-16 units held back after any push: the latency cost of the scan. */
  maxHeldChars: number;
}

/** The detector whose matches may span lines and run to 16 KiB; OpenPemBlocks (open-tail.ts) holds them. */
const BLOCK_TYPES = new Set(["PRIVATE_KEY"]);
/**
 * Built-in types whose shapes the character rule of open-tail.ts covers. Any other detector (a
 * custom pattern or keyword list from the policy data: "Project Falcon", any regex) may match
 * spaces or any character, so the last `maxMatchLength` characters are held for it. A detector
 * that tracks its own open matches (Detector.openMatches: the JWT's) is held by its tracker
 * instead, so its long bound does not stretch the character rule for everything else.
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
/** The types written as groups with single spaces between them: the chain rule of open-tail.ts. */
const GROUPED_TYPES = new Set(["PHONE", "CREDIT_CARD", "US_SSN", "IBAN"]);
/**
 * Left context kept for the next scan. Detectors look only a few characters before a match
 * (word boundaries; EMAIL looks back up to 192 characters before the '@', all inside the
 * held run), so this covers them with room to spare without rescanning kilobytes per piece.
 * Not quite always: an '@' already sent with a domain still held can be up to 254 characters
 * back, and then a run of local-part characters longer than the look-back reads shorter here
 * than in the whole text, so an address the whole text rejects ("…<200 such characters>x@" and
 * a long domain glued to more text) may be redacted here, its placeholder written more than once.
 * Only seen with text built for it; it errs towards redacting, and a wider context would cost
 * every piece of every stream.
 */
const CONTEXT_CHARS = 256;
const VALUE_MASK = String.fromCharCode(VALUE);
/**
 * Releasing rescans the held text, so when much is held (a long match may be open, or a custom
 * pattern holds its max_length) text is released only once a good part of it can go: with more
 * than BATCH_HELD characters held, at least 1/BATCH_SHARE of them. Otherwise a held block whose
 * start moves a few characters at a time ("-----BEGIN x" repeated, each BEGIN ending its hold as
 * it falls out of a match's reach) would rescan 16 KiB per piece to release a dozen characters.
 * Holding longer is always safe; streams that hold little (prose, base64, digits) never batch.
 */
const BATCH_HELD = 1024;
const BATCH_SHARE = 8;

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
 *
 * Why a push costs its own length plus a few hundred characters, whatever the text: the open tail
 * of the character rule is bounded by the longest match of the detectors it stands for (an
 * address, 318 characters; a chain of digit groups only by the longest card, phone, SSN or IBAN),
 * not by the 16 KiB a JWT or a PEM block may span. Those two are held by trackers that read each
 * piece once and know where such a match must begin ("eyJ", "-----BEGIN"), so the 16 KiB hold
 * happens only after such a start; and while it holds everything received, a push only appends to
 * the held text and feeds the trackers, without a scan. The held text is scanned again once the
 * long match ends or is ruled out, and when much is held, only once a good share of it can go
 * (BATCH_HELD), so a long hold costs each character a few scans, not one per piece.
 *
 * JSON text (tool-call arguments as OpenAI and Anthropic stream them): the detectors read a view
 * in which escape sequences are spaces, and a match counts only inside one string value (see
 * json-text-view.ts), so placeholders never break the JSON and the result is that of the buffered
 * path, which decodes the arguments and scans each string value.
 */
export class StreamTextRedactor {
  private readonly limits: OpenTailLimits;
  /** Longest match of a detector the character rule does not describe: that many are always held. */
  private readonly opaqueLength: number;
  /** Follow the matches that may be far longer than the character rule's bound. */
  private readonly trackers: OpenMatchTracker[] = [];
  private readonly restorer: PlaceholderRestorer;
  private readonly json: JsonTextView | undefined;
  private readonly counts: RenderCounts = { matches: new Map(), restored: 0 };
  /** Text already sent, kept only as left context for the next scan; for JSON text its view and mask too. */
  private context = "";
  private contextView = "";
  private contextMask = "";
  /** Text received and not sent yet, in the pieces it came in: a long hold is joined once, not per piece. */
  private held: string[] = [];
  private heldView: string[] = [];
  private heldMask: string[] = [];
  private heldLength = 0;
  /** Characters sent so far, i.e. the offset of the first held character in the whole text. */
  private sent = 0;
  /** Offset in the whole text where the trackers say a long match may still begin, or -1. */
  private longOpen = -1;
  private maxHeld = 0;

  constructor(
    private readonly detectors: readonly Detector[],
    private readonly replacer: TextReplacer,
    /** The text is JSON (tool-call arguments as OpenAI and Anthropic stream them): see JsonTextView. */
    jsonText = false,
  ) {
    let maxEntityLength = 1;
    let maxGroupedLength = 0;
    let maxBlockLength = 0;
    let opaqueLength = 0;
    for (const detector of detectors) {
      const length = detector.maxMatchLength;
      if (detector.openMatches !== undefined) this.trackers.push(detector.openMatches());
      else if (BLOCK_TYPES.has(detector.type)) maxBlockLength = Math.max(maxBlockLength, length);
      else if (!CHARACTER_RULE_TYPES.has(detector.type)) opaqueLength = Math.max(opaqueLength, length);
      else {
        maxEntityLength = Math.max(maxEntityLength, length);
        if (GROUPED_TYPES.has(detector.type)) maxGroupedLength = Math.max(maxGroupedLength, length);
      }
    }
    if (maxBlockLength > 0) this.trackers.push(new OpenPemBlocks(maxBlockLength));
    this.opaqueLength = opaqueLength;
    this.limits = { maxEntityLength, maxGroupedLength };
    this.restorer = new PlaceholderRestorer(replacer.restore, jsonText);
    this.json = jsonText ? new JsonTextView() : undefined;
  }

  /** Returns the text that is final and may be sent now (possibly ""). */
  push(piece: string): string {
    if (piece === "") return "";
    let view = piece;
    let mask = "";
    if (this.json !== undefined) {
      const read = this.json.push(piece);
      view = read.view;
      mask = read.mask;
      if (read.plainFrom >= 0) {
        // The text stopped being JSON: what is not sent yet is plain text, any of it may be matched.
        mask = VALUE_MASK.repeat(piece.length);
        this.heldMask = [VALUE_MASK.repeat(this.heldLength)];
      }
    }
    let longOpen = -1;
    for (const tracker of this.trackers) {
      const start = tracker.push(view);
      if (start >= 0 && (longOpen < 0 || start < longOpen)) longOpen = start;
    }
    this.longOpen = longOpen;
    this.held.push(piece);
    if (this.json !== undefined) {
      this.heldView.push(view);
      this.heldMask.push(mask);
    }
    this.heldLength += piece.length;
    // A long match may begin at or before the first held character, so nothing can be sent; the
    // held text is not even joined until that changes. Or much is held and little could go.
    const hold =
      (longOpen >= 0 && longOpen <= this.sent) ||
      (this.heldLength > BATCH_HELD && (this.tailEstimate() - this.sent) * BATCH_SHARE < this.heldLength);
    if (hold) {
      this.maxHeld = Math.max(this.maxHeld, this.heldLength);
      return "";
    }
    return this.release(false);
  }

  /**
   * Where the open tail starts in the whole text, nearly (the placeholder and surrogate rules can
   * only move it back a few characters), read from the last characters held and the trackers:
   * what deciding to batch may cost without joining a long held text.
   */
  private tailEstimate(): number {
    const received = this.sent + this.heldLength;
    const parts = this.json === undefined ? this.held : this.heldView;
    const wanted = Math.min(
      this.heldLength,
      Math.max(this.limits.maxEntityLength, this.limits.maxGroupedLength) + 1,
    );
    let suffix = "";
    for (let i = parts.length - 1; i >= 0 && suffix.length < wanted; i--) {
      // Only the end of a part: the first part may be a long held text, not to be copied per push.
      const part = parts[i] as string;
      suffix = part.slice(Math.max(0, part.length - (wanted - suffix.length))) + suffix;
    }
    let tail = received - suffix.length + openTailStart(suffix, 0, this.limits);
    if (this.longOpen >= 0) tail = Math.min(tail, this.longOpen);
    if (this.opaqueLength > 0) tail = Math.min(tail, received - this.opaqueLength);
    return tail;
  }

  /** Flushes what was held: the text has ended, nothing can extend it any more. */
  end(): string {
    return this.release(true);
  }

  stats(): StreamTextStats {
    return {
      matches: new Map(this.counts.matches),
      restored: this.counts.restored,
      maxHeldChars: this.maxHeld,
    };
  }

  private release(final: boolean): string {
    const window = this.context + this.held.join("");
    const view = this.json === undefined ? window : this.contextView + this.heldView.join("");
    const mask = this.json === undefined ? "" : this.contextMask + this.heldMask.join("");
    const from = this.context.length;
    const tail = final ? window.length : this.openTail(window, view, from);
    if (tail === from) {
      // Nothing can be released yet: skip the scan, which matters for a long token run arriving
      // in small pieces (each push would otherwise rescan up to maxMatchLength characters).
      this.keep(window, view, mask, from);
      return "";
    }
    // One detection pass serves both: the cut is checked against every detector's own matches,
    // not only the merged ones (a match that lost an overlap to one that touches the tail wins
    // again if that one vanishes), and the merge reads the same list.
    let candidates = detectEach(view, this.detectors);
    if (this.json !== undefined) candidates = withinStringValues(candidates, mask);
    const cut = final ? window.length : this.cutAt(window, from, tail, candidates);
    const matches = resolveOverlaps(candidates);
    const jsonText = this.json !== undefined;
    const out = renderText(window, from, cut, matches, this.replacer, this.restorer, this.counts, jsonText);
    const contextStart = Math.max(0, cut - CONTEXT_CHARS);
    this.context = window.slice(contextStart, cut);
    if (jsonText) {
      this.contextView = view.slice(contextStart, cut);
      this.contextMask = mask.slice(contextStart, cut);
    }
    this.sent += cut - from;
    this.keep(window, view, mask, cut);
    return out;
  }

  /** Holds `window[at..]` (and its view and mask) as one piece. */
  private keep(window: string, view: string, mask: string, at: number): void {
    this.held = [window.slice(at)];
    if (this.json !== undefined) {
      this.heldView = [view.slice(at)];
      this.heldMask = [mask.slice(at)];
    }
    this.heldLength = window.length - at;
    this.maxHeld = Math.max(this.maxHeld, this.heldLength);
  }

  private openTail(window: string, view: string, from: number): number {
    let tail = openTailStart(view, from, this.limits);
    if (this.longOpen >= 0) tail = Math.min(tail, this.longOpen - this.sent + from);
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

/**
 * JSON text: the matches that lie inside one string value, escape sequences trimmed off their
 * ends (a custom pattern may match the spaces that stand for them); see json-text-view.ts.
 */
function withinStringValues(matches: readonly TextMatch[], mask: string): TextMatch[] {
  const kept: TextMatch[] = [];
  for (const match of matches) {
    let start = match.start;
    let end = match.end;
    while (start < end && mask.charCodeAt(start) === ESCAPE) start++;
    while (end > start && mask.charCodeAt(end - 1) === ESCAPE) end--;
    let inside = start < end;
    for (let i = start; inside && i < end; i++) if (mask.charCodeAt(i) === OTHER) inside = false;
    if (!inside) continue;
    kept.push(start === match.start && end === match.end ? match : { type: match.type, start, end });
  }
  return kept;
}
