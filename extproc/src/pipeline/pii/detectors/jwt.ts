import { isTokenChar } from "./char-classes.ts";
import type { Detector, OpenMatchTracker, TextMatch } from "./types.ts";

/**
 * JWT: three base64url segments joined by dots whose first segment decodes to a JSON object with
 * a string `alg`. Every JSON object's base64 starts with "eyJ" ('{"'), so candidates are found by
 * indexOf. A failed candidate resumes after its header segment, not after all it read: the next
 * segment may be the header of a real token ("eyJ….eyJhbGci….eyJzdWIi….sig" is the token after
 * the first dot), and whether a match starts somewhere then depends only on the text from there
 * on, which is what a stream scanner, seeing a bounded window, needs to agree with the whole-text
 * scan. Still linear: a candidate reads at most three segments, and each segment is read by at
 * most three candidates (as their header, payload and signature), so "eyJ".repeat(n) and
 * "eyJ.".repeat(n) cost a few reads per character. The signature may be empty only for alg "none".
 */
export const JWT = "JWT";
const MAX_LENGTH = 16 * 1024;
const MAX_HEADER = 2048;
const DOT = 46;

function segmentEnd(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

function headerAlg(text: string, start: number, end: number): string | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(text.slice(start, end), "base64url").toString("utf8"));
    if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
    const alg: unknown = (header as Record<string, unknown>).alg;
    return typeof alg === "string" ? alg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * text.indexOf("eyJ", from), found through its rarer tail "yJ": indexOf jumps between occurrences
 * of the needle's first character in native code, and "e" is the commonest letter in prose.
 */
function nextHeader(text: string, from: number): number {
  for (let at = text.indexOf("yJ", from + 1); at >= 0; at = text.indexOf("yJ", at + 1)) {
    if (text.charCodeAt(at - 1) === 101) return at - 1;
  }
  return -1;
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  let at = nextHeader(text, 0);
  while (at >= 0) {
    const limit = Math.min(text.length, at + MAX_LENGTH + 1);
    const headerEnd = segmentEnd(text, at, limit);
    let next = headerEnd;
    if (
      !isTokenChar(text.charCodeAt(at - 1)) &&
      text.charCodeAt(headerEnd) === DOT &&
      headerEnd - at <= MAX_HEADER
    ) {
      const payloadEnd = segmentEnd(text, headerEnd + 1, limit);
      if (payloadEnd > headerEnd + 1 && text.charCodeAt(payloadEnd) === DOT) {
        const end = segmentEnd(text, payloadEnd + 1, limit);
        // A fourth segment makes it a JWE or something else; a dot that ends a sentence does not.
        const fourth = text.charCodeAt(end) === DOT && isTokenChar(text.charCodeAt(end + 1));
        const alg = end - at <= MAX_LENGTH && !fourth ? headerAlg(text, at, headerEnd) : undefined;
        if (alg !== undefined && (end > payloadEnd + 1 || alg === "none")) {
          found.push({ type: JWT, start: at, end });
          next = end;
        }
      }
    }
    at = nextHeader(text, next);
  }
  return found;
}

/** The parts of a JWT an open candidate is in. */
const HEADER = 0;
const PAYLOAD = 1;
const SIGNATURE = 2;
/** "header.payload.signature." so far: a base64url character next is a fourth segment (no JWT). */
const AFTER_SIGNATURE = 3;
const EYJ = "eyJ";

interface OpenJwt {
  readonly start: number;
  part: number;
  /** Offset of the first character of the current part. */
  partStart: number;
}

/**
 * Where a JWT may still be open in a text that arrives in pieces (see Detector.openMatches). A
 * stream scanner must hold a JWT back whole until it ends, and one may be 16 KiB long; holding the
 * last 16 KiB of every long run of base64, hex or minified code, and rescanning it at every piece,
 * cost a stream hundreds of microseconds per event. But a JWT can only begin with "eyJ" at the
 * start of a segment, so the long hold is needed only from such a start, and only while the text
 * after it still has the shape of one: a header of at most MAX_HEADER base64url characters, a dot,
 * a non-empty payload, a dot, a signature, at most MAX_LENGTH in all. Each piece is read once, and
 * at most four candidates are alive at a time (one per segment start among the last three segments
 * and the dot after them), so the cost is linear in the text. A segment that so far is only "e" or
 * "ey" is not reported: the scanner's short hold-back covers any run of a few characters.
 */
class OpenJwts implements OpenMatchTracker {
  private offset = 0;
  /** The previous character was a base64url character, so the next one continues its segment. */
  private inSegment = false;
  private segmentStart = 0;
  /** How many characters of "eyJ" the current segment began with; -1 once it differs. */
  private prefix = -1;
  /** In order of start. */
  private open: OpenJwt[] = [];

  push(piece: string): number {
    for (let k = 0; k < piece.length; k++) {
      const c = piece.charCodeAt(k);
      if (isTokenChar(c)) {
        if (!this.inSegment) this.startSegment(this.offset + k, c);
        else if (this.prefix > 0 && this.prefix < EYJ.length) this.continuePrefix(c);
      } else {
        this.inSegment = false;
        this.prefix = -1;
        if (this.open.length === 0) continue;
        if (c === DOT) this.open = this.open.filter((jwt) => nextPart(jwt, this.offset + k));
        else this.open = [];
      }
    }
    this.offset += piece.length;
    if (this.open.length > 0) this.open = this.open.filter((jwt) => fits(jwt, this.offset));
    return this.open[0]?.start ?? -1;
  }

  private startSegment(at: number, c: number): void {
    this.inSegment = true;
    this.segmentStart = at;
    this.prefix = c === EYJ.charCodeAt(0) ? 1 : -1;
    if (this.open.some((jwt) => jwt.part === AFTER_SIGNATURE)) {
      this.open = this.open.filter((jwt) => jwt.part !== AFTER_SIGNATURE);
    }
  }

  private continuePrefix(c: number): void {
    if (c !== EYJ.charCodeAt(this.prefix)) {
      this.prefix = -1;
      return;
    }
    this.prefix++;
    if (this.prefix === EYJ.length) {
      this.open.push({ start: this.segmentStart, part: HEADER, partStart: this.segmentStart });
    }
  }
}

/** Moves a candidate past the dot at `at`; false when the dot ends it (as a JWT or as nothing). */
function nextPart(jwt: OpenJwt, at: number): boolean {
  switch (jwt.part) {
    case HEADER:
      if (at - jwt.start > MAX_HEADER) return false;
      jwt.part = PAYLOAD;
      jwt.partStart = at + 1;
      return true;
    case PAYLOAD:
      if (at === jwt.partStart) return false;
      jwt.part = SIGNATURE;
      jwt.partStart = at + 1;
      return true;
    case SIGNATURE:
      jwt.part = AFTER_SIGNATURE;
      return true;
    default:
      return false;
  }
}

/** Whether a candidate read up to `end` could still become a match no longer than the bounds. */
function fits(jwt: OpenJwt, end: number): boolean {
  if (jwt.part === HEADER && end - jwt.start > MAX_HEADER) return false;
  const length = (jwt.part === AFTER_SIGNATURE ? end - 1 : end) - jwt.start;
  return length <= MAX_LENGTH;
}

export function jwtDetector(): Detector {
  return { type: JWT, maxMatchLength: MAX_LENGTH, detect, openMatches: () => new OpenJwts() };
}
