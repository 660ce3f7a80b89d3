import type { Detector, TextMatch } from "./types.ts";

/**
 * PRIVATE_KEY: a PEM block from "-----BEGIN [RSA |EC |OPENSSH |DSA |ENCRYPTED ]PRIVATE KEY-----"
 * to the matching END line, or an OpenPGP armored secret key from "-----BEGIN PGP PRIVATE KEY
 * BLOCK-----" (RFC 4880; "PGP SECRET KEY BLOCK" in PGP 2) to its END line, at most 16 KiB in all
 * (an RSA-16384 key is under 13 KiB). A BEGIN with no END within that bound is not reported: a
 * truncated key in a stream is caught once its END arrives, because the stream scanner holds back
 * maxMatchLength characters.
 *
 * Linear even for "-----BEGIN PRIVATE KEY-----" repeated without END: the next END line of each
 * label is searched for once and remembered while the scan moves forward.
 */
export const PRIVATE_KEY = "PRIVATE_KEY";
const MAX_LENGTH = 16 * 1024;
const BEGIN = "-----BEGIN ";
/** What follows "-----BEGIN " (and "-----END ") on the first and last line of each kind of block. */
const LABELS = [
  "PRIVATE KEY-----",
  "RSA PRIVATE KEY-----",
  "EC PRIVATE KEY-----",
  "OPENSSH PRIVATE KEY-----",
  "DSA PRIVATE KEY-----",
  "ENCRYPTED PRIVATE KEY-----",
  "PGP PRIVATE KEY BLOCK-----",
  "PGP SECRET KEY BLOCK-----",
] as const;

function labelAt(text: string, at: number): number {
  const from = at + BEGIN.length;
  for (let k = 0; k < LABELS.length; k++) {
    if (text.startsWith(LABELS[k] as string, from)) return k;
  }
  return -1;
}

/**
 * text.indexOf(BEGIN, from), found through "BEGIN ": indexOf jumps between occurrences of the
 * needle's first character in native code, and dashes are common in dates, UUIDs and JSON.
 */
function nextBegin(text: string, from: number): number {
  for (let at = text.indexOf("BEGIN ", from + 5); at >= 0; at = text.indexOf("BEGIN ", at + 1)) {
    if (text.startsWith("-----", at - 5)) return at - 5;
  }
  return -1;
}

function detect(text: string): TextMatch[] {
  const found: TextMatch[] = [];
  // Next END line per label at or after the scan position; -2 not searched yet, -1 none left.
  const nextEnd = LABELS.map(() => -2);
  let at = nextBegin(text, 0);
  while (at >= 0) {
    const k = labelAt(text, at);
    let next = at + BEGIN.length;
    if (k >= 0) {
      const label = LABELS[k] as string;
      const end = `-----END ${label}`;
      const bodyStart = at + BEGIN.length + label.length;
      let endAt = nextEnd[k] as number;
      if (endAt === -2 || (endAt >= 0 && endAt < bodyStart)) {
        endAt = text.indexOf(end, bodyStart);
        nextEnd[k] = endAt;
      }
      if (endAt >= 0 && endAt + end.length - at <= MAX_LENGTH) {
        found.push({ type: PRIVATE_KEY, start: at, end: endAt + end.length });
        next = endAt + end.length;
      }
    }
    at = nextBegin(text, next);
  }
  return found;
}

export function privateKeyDetector(): Detector {
  return { type: PRIVATE_KEY, maxMatchLength: MAX_LENGTH, detect };
}
