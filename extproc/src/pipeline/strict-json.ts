import { fail, ok, type Result } from "./gateway-errors.ts";

/** Deeper than any real LLM request; bounds the work and the key-tracking stack. */
export const MAX_JSON_DEPTH = 256;

export interface ParsedJsonBody {
  readonly value: unknown;
  readonly text: string;
  /** Character span of each top-level member's value in `text`, for byte-exact rewrites. */
  readonly topLevelSpans: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
}

/**
 * Parses JSON the way the strictest reader would accept it. Duplicate keys are refused at every
 * depth: parsers disagree on which duplicate wins (first or last), so a body with two `model`
 * members could be approved for one model and served by another.
 */
export function parseStrictJson(text: string): Result<ParsedJsonBody> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail("invalid_json", `request body is not valid JSON: ${(error as Error).message}`);
  }
  const scanned = scanMembers(text);
  if (!scanned.ok) return scanned;
  return ok({ value, text, topLevelSpans: scanned.value });
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const COLON = 58;
const COMMA = 44;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** One linear pass over text that JSON.parse has already accepted. */
function scanMembers(text: string): Result<Map<string, { start: number; end: number }>> {
  // One entry per open container: the keys seen so far for objects, null for arrays.
  const stack: (Set<string> | null)[] = [];
  const spans = new Map<string, { start: number; end: number }>();
  let pendingTopKey: string | null = null;
  let topValueStart = -1;
  let i = 0;
  const length = text.length;

  const closeTopValue = (end: number): void => {
    if (pendingTopKey !== null && topValueStart >= 0) spans.set(pendingTopKey, { start: topValueStart, end });
    pendingTopKey = null;
    topValueStart = -1;
  };

  while (i < length) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      i += 1;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else i += 1;
      }
      const end = i + 1;
      i = end;
      let next = i;
      while (next < length && isWhitespace(text.charCodeAt(next))) next += 1;
      const container = stack[stack.length - 1];
      if (text.charCodeAt(next) === COLON && container) {
        const raw = text.slice(start, end);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (container.has(key)) {
          return fail("duplicate_json_key", `request body has the member "${key}" more than once`, {
            param: key,
          });
        }
        container.add(key);
        if (stack.length === 1) pendingTopKey = key;
        i = next + 1;
        while (i < length && isWhitespace(text.charCodeAt(i))) i += 1;
        if (stack.length === 1) topValueStart = i;
      }
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (stack.length >= MAX_JSON_DEPTH) {
        return fail("invalid_json", `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
      }
      stack.push(code === OPEN_OBJECT ? new Set<string>() : null);
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      stack.pop();
      if (stack.length === 1) {
        closeTopValue(i + 1);
      } else if (stack.length === 0) {
        closeTopValue(trimEnd(text, i));
      }
    } else if (code === COMMA && stack.length === 1) {
      closeTopValue(trimEnd(text, i));
    }
    i += 1;
  }
  return ok(spans);
}

function trimEnd(text: string, end: number): number {
  let e = end;
  while (e > 0 && isWhitespace(text.charCodeAt(e - 1))) e -= 1;
  return e;
}
