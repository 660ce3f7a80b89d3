import { setFlagsFromString } from "node:v8";
import type { CompiledRule, TextMatch } from "./types.ts";

/**
 * Custom patterns from the policy data must never backtrack catastrophically on a prompt. Each is
 * first compiled for V8's linear-time engine (flag "l"): V8 refuses at compile time anything that
 * engine cannot run in linear time (backreferences, lookaround and, in Node 20, the i and u flags;
 * write "[Ee][Mm][Pp]" for case-insensitivity), and such a pattern is reported as an error. The
 * accepted pattern then runs on V8's usual backtracking engine, about fifteen times faster on
 * ordinary patterns, with V8's fallback switched on: an execution that exceeds the backtrack
 * budget is rerun on the linear engine, so the worst case stays linear.
 *
 * Bounds: a match is at most `max_length` characters (default 256, at most 4096); a longer match
 * is cut to its first max_length characters, so what a stream scanner holds back stays bounded and
 * the start of the value is still covered. Patterns that can match the empty string are refused.
 */

// V8 reads these at regexp compile and execution time, so setting them at start-up takes effect.
setFlagsFromString("--enable-experimental-regexp-engine");
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
setFlagsFromString("--regexp-backtracks-before-fallback=10000");

export interface CustomPatternRule {
  type: string;
  pattern: string;
  flags?: string;
  /** Longest match reported; longer matches are cut to this length. Default 256. */
  max_length?: number;
}

const DEFAULT_MAX_LENGTH = 256;
const LIMIT_MAX_LENGTH = 4096;
const MAX_PATTERN_SOURCE = 2000;
const ALLOWED_FLAGS = /^[imsu]*$/;
// Strings on which a pattern that can match empty is caught before it is used.
const EMPTY_PROBES = ["", " ", "a", "0", "a b", "\n"];

function compileLinearRegExp(source: string, flags: string): RegExp | string {
  try {
    return new RegExp(source, `${flags}gl`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.includes("linear time")
      ? `cannot be executed in linear time (backreferences, lookaround and, on Node 20, the i and u flags are not supported): ${message}`
      : message;
  }
}

function matchesEmpty(pattern: RegExp): boolean {
  for (const probe of EMPTY_PROBES) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(probe); m !== null; m = pattern.exec(probe)) {
      if (m[0].length === 0) return true;
    }
  }
  return false;
}

export function compileCustomPattern(rule: CustomPatternRule): CompiledRule {
  const where = `pattern for ${rule.type}`;
  const flags = rule.flags ?? "";
  if (!ALLOWED_FLAGS.test(flags) || new Set(flags).size !== flags.length) {
    return { error: `${where}: flags "${flags}" not allowed (only i, m, s, u, each once)` };
  }
  if (rule.pattern.length === 0 || rule.pattern.length > MAX_PATTERN_SOURCE) {
    return { error: `${where}: pattern must be 1 to ${MAX_PATTERN_SOURCE} characters` };
  }
  const maxLength = rule.max_length ?? DEFAULT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > LIMIT_MAX_LENGTH) {
    return { error: `${where}: max_length must be an integer from 1 to ${LIMIT_MAX_LENGTH}` };
  }
  const linear = compileLinearRegExp(rule.pattern, flags);
  if (typeof linear === "string") return { error: `${where}: ${linear}` };
  const compiled = new RegExp(rule.pattern, `${flags}g`);
  if (matchesEmpty(compiled)) return { error: `${where}: the pattern can match the empty string` };
  const type = rule.type;
  return {
    detector: {
      type,
      maxMatchLength: maxLength,
      detect(text: string): TextMatch[] {
        const found: TextMatch[] = [];
        compiled.lastIndex = 0;
        for (let m = compiled.exec(text); m !== null; m = compiled.exec(text)) {
          const length = m[0].length;
          // Empty matches slip past the probes only at positions the probes did not cover; skip them.
          if (length === 0) {
            compiled.lastIndex = m.index + 1;
            continue;
          }
          found.push({ type, start: m.index, end: m.index + Math.min(length, maxLength) });
        }
        return found;
      },
    },
  };
}
