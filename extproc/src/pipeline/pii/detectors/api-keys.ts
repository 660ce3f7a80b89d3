import { isAsciiAlnum, isDigit, isLower, isTokenChar, isUpper } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * Provider credentials recognised by their documented literal prefixes. Each rule names a short,
 * rare literal of its prefix (the anchor) that `indexOf` jumps to in native code, then checks the
 * bounded rest of the format with charCodeAt, so a candidate costs no regex call and no match
 * array, and the scan is linear: a failed candidate resumes one character later, a match after
 * its end (as a global regex would). Boundaries and the entropy check are done on the (rare) hits.
 */
export const AWS_ACCESS_KEY = "AWS_ACCESS_KEY";
export const GITHUB_TOKEN = "GITHUB_TOKEN";
export const OPENAI_API_KEY = "OPENAI_API_KEY";
export const ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";

const MAX_SK_BODY = 250;

/** Random keys mix cases and digits; prose like "sk-learn-compatible-estimators" does not. */
function looksRandom(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isUpper(c)) upper = true;
    else if (isLower(c)) lower = true;
    else if (isDigit(c)) digit = true;
  }
  return upper && lower && digit;
}

interface TokenRule {
  readonly type: string;
  /** A literal every match contains: at one of `offsets` characters after its start. */
  readonly anchor: string;
  /** Offsets of the anchor in the match, largest first (so candidates come in order). */
  readonly offsets: readonly number[];
  /** End of the match that starts at `start`, or -1 (what the format's regex would match there). */
  readonly matchAt: (text: string, start: number) => number;
  readonly maxMatchLength: number;
  /** Characters that would make the token longer: the match must not touch one on either side. */
  readonly partOfToken: (c: number) => boolean;
  readonly accept?: (text: string, start: number, end: number) => boolean;
}

/**
 * Candidates are tried in increasing start order, each once, as a global regex would try them: a
 * start before `from` was tried already or lies inside the previous match. (With two offsets, a
 * later anchor can propose a start below an earlier anchor's; for the formats here such a start
 * cannot match, since the anchor would have to occur inside the literal prefix.)
 */
function tokenDetector(rule: TokenRule): Detector {
  const { type, anchor, offsets, matchAt, partOfToken, accept } = rule;
  const smallest = offsets[offsets.length - 1] as number;
  return {
    type,
    maxMatchLength: rule.maxMatchLength,
    detect(text: string): TextMatch[] {
      const found: TextMatch[] = [];
      let from = 0;
      for (let at = text.indexOf(anchor, smallest); at >= 0; at = text.indexOf(anchor, at + 1)) {
        for (let k = 0; k < offsets.length; k++) {
          const start = at - (offsets[k] as number);
          if (start < from) continue;
          const end = matchAt(text, start);
          if (end < 0) {
            from = start + 1;
            continue;
          }
          from = end;
          if (partOfToken(text.charCodeAt(start - 1)) || partOfToken(text.charCodeAt(end))) continue;
          if (accept !== undefined && !accept(text, start, end)) continue;
          found.push({ type, start, end });
        }
      }
      return found;
    },
  };
}

/** Offset one past `count` characters from `from` that all satisfy `ok`, or -1. */
function exactly(text: string, from: number, count: number, ok: (c: number) => boolean): number {
  const end = from + count;
  for (let i = from; i < end; i++) if (!ok(text.charCodeAt(i))) return -1;
  return end;
}

function isUpperOrDigit(c: number): boolean {
  return isUpper(c) || isDigit(c);
}

/** The longest run of at most `max` token characters from `from`: its end, or -1 if under `min`. */
function between(text: string, from: number, min: number, max: number): number {
  const limit = from + max;
  let i = from;
  while (i < limit && isTokenChar(text.charCodeAt(i))) i++;
  return i - from >= min ? i : -1;
}

const S = 115;
const K = 75;
const A = 65;
const UNDERSCORE = 95;

/** AWS access key ids: AKIA (long-term) or ASIA (temporary) and 16 uppercase letters or digits. */
export function awsAccessKeyDetector(): Detector {
  return tokenDetector({
    type: AWS_ACCESS_KEY,
    // A(?:KIA|SIA)[A-Z0-9]{16}
    anchor: "IA",
    offsets: [2],
    matchAt: (text, start) => {
      if (text.charCodeAt(start) !== A) return -1;
      const c = text.charCodeAt(start + 1);
      return c === K || c === 83 ? exactly(text, start + 4, 16, isUpperOrDigit) : -1;
    },
    maxMatchLength: 20,
    partOfToken: isAsciiAlnum,
  });
}

/** Classic tokens (ghp_, gho_, ghu_, ghs_, ghr_ + 36) and fine-grained github_pat_ (22 _ 59). */
export function githubTokenDetector(): Detector {
  return tokenDetector({
    type: GITHUB_TOKEN,
    // gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}
    // The underscore after the prefix: rare in prose, absent from standard base64.
    anchor: "_",
    offsets: [6, 3],
    matchAt: (text, start) => {
      const c = text.charCodeAt(start + 2);
      if (
        text.charCodeAt(start) === 103 &&
        text.charCodeAt(start + 1) === 104 &&
        (c === 112 || c === 111 || c === 117 || c === S || c === 114) &&
        text.charCodeAt(start + 3) === UNDERSCORE
      ) {
        const end = exactly(text, start + 4, 36, isAsciiAlnum);
        if (end >= 0) return end;
      }
      if (!text.startsWith("github_pat_", start)) return -1;
      const first = exactly(text, start + 11, 22, isAsciiAlnum);
      if (first < 0 || text.charCodeAt(first) !== UNDERSCORE) return -1;
      return exactly(text, first + 1, 59, isAsciiAlnum);
    },
    maxMatchLength: 93,
    partOfToken: (c) => isAsciiAlnum(c) || c === 95,
  });
}

/**
 * OpenAI and Anthropic keys share the `sk-` prefix: Anthropic's go on with `ant-`, OpenAI's never
 * do, and each body is a run of 20–250 token characters that must look random.
 */
function skKeyDetector(type: string, anthropic: boolean): Detector {
  const body = anthropic ? 7 : 3;
  return tokenDetector({
    type,
    anchor: "k-",
    offsets: [1],
    matchAt: (text, start) =>
      text.charCodeAt(start) === S && text.startsWith("ant-", start + 3) === anthropic
        ? between(text, start + body, 20, MAX_SK_BODY)
        : -1,
    maxMatchLength: body + MAX_SK_BODY,
    partOfToken: isTokenChar,
    accept: (text, start, end) => looksRandom(text, start + body, end),
  });
}

/** sk-… user keys, sk-proj-…, sk-svcacct-…, sk-admin-…; never sk-ant- (Anthropic). */
export function openAiApiKeyDetector(): Detector {
  // sk-(?!ant-)[A-Za-z0-9_-]{20,250}
  return skKeyDetector(OPENAI_API_KEY, false);
}

/** sk-ant-api03-…, sk-ant-admin01-… and other sk-ant- keys. */
export function anthropicApiKeyDetector(): Detector {
  // sk-ant-[A-Za-z0-9_-]{20,250}
  return skKeyDetector(ANTHROPIC_API_KEY, true);
}
