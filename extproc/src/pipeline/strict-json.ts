import { fail, ok, type Result } from "./gateway-errors.ts";
import { visitStringValues } from "./json-string-values.ts";

/** Deeper than any real LLM request; bounds the work and the key-tracking stack. */
export const MAX_JSON_DEPTH = 256;

export interface ParsedJsonBody {
  readonly value: unknown;
  readonly text: string;
  /** Token span of each top-level string member in `text`, for byte-exact rewrites. */
  readonly topLevelStrings: ReadonlyMap<string, { readonly start: number; readonly end: number }>;
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
  const topLevelStrings = new Map<string, { start: number; end: number }>();
  const problem = visitStringValues(
    text,
    (path, start, end) => {
      const key = path[0];
      if (path.length === 1 && typeof key === "string") topLevelStrings.set(key, { start, end });
    },
    { rejectDuplicateKeys: true, maxDepth: MAX_JSON_DEPTH },
  );
  if (problem?.kind === "duplicate_key") {
    return fail("duplicate_json_key", `request body has the member "${problem.key}" more than once`, {
      param: problem.key,
    });
  }
  if (problem?.kind === "too_deep") {
    return fail("invalid_json", `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (SURROGATE_ESCAPE.test(text) && !wellFormedThroughout(value)) {
    return fail(
      "invalid_json",
      "request body holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF without its pair), which is not Unicode text",
    );
  }
  return ok({ value, text, topLevelStrings });
}

// The text is decoded UTF-8, so a lone surrogate can only come from an escape. Readers disagree on
// one (refused, kept, replaced by U+FFFD), the policy engine and the audit store refuse it, and no
// provider can read it as text: the body is refused rather than inspected one way and read another.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Every string and member name is well-formed UTF-16. Depth is bounded by MAX_JSON_DEPTH. */
function wellFormedThroughout(value: unknown): boolean {
  if (typeof value === "string") return value.isWellFormed();
  if (Array.isArray(value)) return value.every(wellFormedThroughout);
  if (typeof value !== "object" || value === null) return true;
  for (const [key, member] of Object.entries(value)) {
    if (!key.isWellFormed() || !wellFormedThroughout(member)) return false;
  }
  return true;
}
