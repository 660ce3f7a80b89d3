import { isTokenChar } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * JWT: three base64url segments joined by dots whose first segment decodes to a JSON object with
 * a string `alg`. Every JSON object's base64 starts with "eyJ" ('{"'), so candidates are found by
 * indexOf and each segment is scanned once; a failed candidate resumes after the segment it
 * scanned, so "eyJ".repeat(n) is linear. The signature may be empty only for alg "none".
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
        } else {
          next = payloadEnd;
        }
      }
    }
    at = nextHeader(text, next);
  }
  return found;
}

export function jwtDetector(): Detector {
  return { type: JWT, maxMatchLength: MAX_LENGTH, detect };
}
