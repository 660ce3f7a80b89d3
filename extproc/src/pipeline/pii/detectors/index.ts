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

export function builtinDetectors(): readonly Detector[] {
  return Object.freeze([
    emailDetector(),
    phoneDetector(),
    creditCardDetector(),
    usSsnDetector(),
    ibanDetector(),
    ipAddressDetector(),
    awsAccessKeyDetector(),
    githubTokenDetector(),
    openAiApiKeyDetector(),
    anthropicApiKeyDetector(),
    jwtDetector(),
    privateKeyDetector(),
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
 * switch off the rest.
 */
export function compileCustomDetectors(rules: CustomPiiRules): { detectors: Detector[]; errors: string[] } {
  const detectors: Detector[] = [];
  const errors: string[] = [];
  const add = (type: string, label: string, compile: () => CompiledRule): void => {
    const invalid = typeError(type);
    const result = invalid === undefined ? compile() : { error: `${label}: ${invalid}` };
    if (result.detector !== undefined) detectors.push(result.detector);
    else errors.push(result.error);
  };
  for (const rule of rules.patterns) add(rule.type, "pattern", () => compileCustomPattern(rule));
  for (const rule of rules.keywords) add(rule.type, "keywords", () => compileKeywordList(rule));
  return { detectors, errors };
}
