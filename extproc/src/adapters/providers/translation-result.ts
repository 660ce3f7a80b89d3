import type { z } from "zod";
import type { Translated, TranslationFailure } from "../../pipeline/provider-translation.ts";

/**
 * How a caller's request turns out for a provider, the same for every adapter: translated, 400
 * when the request itself is wrong for any provider (bad JSON in tool arguments, a malformed data
 * URL), or 422 when it is valid OpenAI but names a feature the provider lacks, so the caller learns
 * why instead of getting a silent drop. Codes are stable: the caller's SDK reads them as
 * `error.code` and the audit row stores them.
 */

export function translated<T>(value: T): Translated<T> {
  return { ok: true, value };
}

export function refused<T = never>(error: TranslationFailure): Translated<T> {
  return { ok: false, error };
}

export function invalidRequest<T = never>(message: string, param: string | null): Translated<T> {
  return refused({ status: 400, code: "invalid_request", message, param });
}

export function unsupportedFeature<T = never>(message: string, param: string | null): Translated<T> {
  return refused({ status: 422, code: "unsupported_feature", message, param });
}

/** A schema issue's path as OpenAI names a parameter: `messages[2].content`, or null for the body. */
export function issueParam(issue: z.core.$ZodIssue | undefined): string | null {
  if (issue === undefined || issue.path.length === 0) return null;
  return issue.path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}
