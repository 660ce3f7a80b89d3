import { isAsciiAlnum, isDigit, isLower, isTokenChar, isUpper } from "./char-classes.ts";
import type { Detector, TextMatch } from "./types.ts";

/**
 * Provider credentials recognised by their documented literal prefixes. Each regex starts with a
 * literal, so V8 skips text that cannot match without running the pattern, and has only bounded
 * quantifiers over one character class, so it is linear; boundaries and the entropy check are
 * done in code on the (rare) hits.
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
  readonly pattern: RegExp;
  readonly maxMatchLength: number;
  /** Characters that would make the token longer: the match must not touch one on either side. */
  readonly partOfToken: (c: number) => boolean;
  readonly accept?: (text: string, start: number, end: number) => boolean;
}

function tokenDetector(rule: TokenRule): Detector {
  const { type, pattern, partOfToken, accept } = rule;
  return {
    type,
    maxMatchLength: rule.maxMatchLength,
    detect(text: string): TextMatch[] {
      const found: TextMatch[] = [];
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (partOfToken(text.charCodeAt(start - 1)) || partOfToken(text.charCodeAt(end))) continue;
        if (accept !== undefined && !accept(text, start, end)) continue;
        found.push({ type, start, end });
      }
      return found;
    },
  };
}

/** AWS access key ids: AKIA (long-term) or ASIA (temporary) and 16 uppercase letters or digits. */
export function awsAccessKeyDetector(): Detector {
  return tokenDetector({
    type: AWS_ACCESS_KEY,
    pattern: /A(?:KIA|SIA)[A-Z0-9]{16}/g,
    maxMatchLength: 20,
    partOfToken: isAsciiAlnum,
  });
}

/** Classic tokens (ghp_, gho_, ghu_, ghs_, ghr_ + 36) and fine-grained github_pat_ (22 _ 59). */
export function githubTokenDetector(): Detector {
  return tokenDetector({
    type: GITHUB_TOKEN,
    pattern: /gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}/g,
    maxMatchLength: 93,
    partOfToken: (c) => isAsciiAlnum(c) || c === 95,
  });
}

/** sk-… user keys, sk-proj-…, sk-svcacct-…, sk-admin-…; never sk-ant- (Anthropic). */
export function openAiApiKeyDetector(): Detector {
  return tokenDetector({
    type: OPENAI_API_KEY,
    pattern: new RegExp(`sk-(?!ant-)[A-Za-z0-9_-]{20,${MAX_SK_BODY}}`, "g"),
    maxMatchLength: 3 + MAX_SK_BODY,
    partOfToken: isTokenChar,
    accept: (text, start, end) => looksRandom(text, start + 3, end),
  });
}

/** sk-ant-api03-…, sk-ant-admin01-… and other sk-ant- keys. */
export function anthropicApiKeyDetector(): Detector {
  return tokenDetector({
    type: ANTHROPIC_API_KEY,
    pattern: new RegExp(`sk-ant-[A-Za-z0-9_-]{20,${MAX_SK_BODY}}`, "g"),
    maxMatchLength: 7 + MAX_SK_BODY,
    partOfToken: isTokenChar,
    accept: (text, start, end) => looksRandom(text, start + 7, end),
  });
}
