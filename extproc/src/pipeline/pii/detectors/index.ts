import {
  ANTHROPIC_API_KEY,
  AWS_ACCESS_KEY,
  anthropicApiKeyDetector,
  awsAccessKeyDetector,
  GITHUB_TOKEN,
  githubTokenDetector,
  OPENAI_API_KEY,
  openAiApiKeyDetector,
} from "./api-keys.ts";
import { CREDIT_CARD, creditCardDetector } from "./credit-card.ts";
import { compileCustomPattern } from "./custom-pattern.ts";
import { EMAIL, emailDetector } from "./email.ts";
import { IBAN, ibanDetector } from "./iban.ts";
import { IP_ADDRESS, ipAddressDetector } from "./ip-address.ts";
import { JWT, jwtDetector } from "./jwt.ts";
import { compileKeywordList } from "./keyword-list.ts";
import { PHONE, phoneDetector } from "./phone.ts";
import { PRIVATE_KEY, privateKeyDetector } from "./private-key.ts";
import type { CompiledRule, Detector } from "./types.ts";
import { US_SSN, usSsnDetector } from "./us-ssn.ts";
import { readingVisibleText } from "./visible-text.ts";

/** Entry point of the detectors: the built-in set, custom rules from policy data, and the merge. */
export { detectAll, detectEach, resolveOverlaps } from "./detect-all.ts";
export type { Detector, TextMatch } from "./types.ts";

export const BUILTIN_PII_TYPES: readonly string[] = Object.freeze([
  EMAIL,
  PHONE,
  CREDIT_CARD,
  US_SSN,
  IBAN,
  IP_ADDRESS,
  AWS_ACCESS_KEY,
  GITHUB_TOKEN,
  OPENAI_API_KEY,
  ANTHROPIC_API_KEY,
  JWT,
  PRIVATE_KEY,
]);

/**
 * Every detector reads the text as visible-text.ts describes (JSON escapes written out as text are
 * boundaries, Unicode spaces are spaces, invisible characters inside an entity are ignored); the
 * numeric ones also read fullwidth digits as digits.
 */
export function builtinDetectors(): readonly Detector[] {
  return Object.freeze([
    readingVisibleText(emailDetector(), false),
    readingVisibleText(phoneDetector(), true),
    readingVisibleText(creditCardDetector(), true),
    readingVisibleText(usSsnDetector(), true),
    readingVisibleText(ibanDetector(), false),
    readingVisibleText(ipAddressDetector(), true),
    readingVisibleText(awsAccessKeyDetector(), false),
    readingVisibleText(githubTokenDetector(), false),
    readingVisibleText(openAiApiKeyDetector(), false),
    readingVisibleText(anthropicApiKeyDetector(), false),
    readingVisibleText(jwtDetector(), false),
    readingVisibleText(privateKeyDetector(), false),
  ]);
}

export interface CustomPiiRules {
  /** `max_length` (default 256, at most 4096) bounds a match; longer matches are cut to it. */
  patterns: { type: string; pattern: string; flags?: string; max_length?: number }[];
  keywords: { type: string; words: string[]; case_sensitive?: boolean }[];
}

// Custom types share the namespace of placeholders such as [EMAIL_1] and policy keys.
const CUSTOM_TYPE = /^[A-Z][A-Z0-9_]{0,63}$/;

function typeError(type: string): string | undefined {
  if (!CUSTOM_TYPE.test(type)) return `type "${type}" must be UPPER_SNAKE_CASE, at most 64 characters`;
  if (BUILTIN_PII_TYPES.includes(type)) return `type "${type}" is built in and cannot be redefined`;
  return undefined;
}

/**
 * Compiles the custom rules of the policy data. A rule that is invalid, or cannot run in linear
 * time, is reported in `errors` and left out; the others still compile, so one bad rule does not
 * switch off the rest. Custom rules read the text as the built-in ones do (see builtinDetectors): a
 * keyword after a written-out "\n" or with a non-breaking space inside ("Project\u00a0Bluebird") is
 * found, and a pattern's match never starts or ends inside an escape.
 */
export function compileCustomDetectors(rules: CustomPiiRules): { detectors: Detector[]; errors: string[] } {
  const detectors: Detector[] = [];
  const errors: string[] = [];
  const add = (type: string, label: string, compile: () => CompiledRule): void => {
    const invalid = typeError(type);
    const result = invalid === undefined ? compile() : { error: `${label}: ${invalid}` };
    if (result.detector !== undefined) detectors.push(readingVisibleText(result.detector, false));
    else errors.push(result.error);
  };
  for (const rule of rules.patterns) add(rule.type, "pattern", () => compileCustomPattern(rule));
  for (const rule of rules.keywords) add(rule.type, "keywords", () => compileKeywordList(rule));
  return { detectors, errors };
}
