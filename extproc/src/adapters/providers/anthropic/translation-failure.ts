import type { Translated } from "../../../pipeline/provider-translation.ts";

/**
 * Builders for the two ways a caller's request can fail translation: 400 when the request itself is
 * wrong for any provider (bad JSON in tool arguments, a malformed data URL), 422 when it is valid
 * OpenAI but names a feature Anthropic lacks, so the caller learns why instead of getting a silent drop.
 */

export const succeed = <T>(value: T): Translated<T> => ({ ok: true, value });

export function unsupported<T = never>(param: string, message: string): Translated<T> {
  return { ok: false, error: { status: 422, code: "unsupported_feature", message, param } };
}

export function invalid<T = never>(param: string | null, message: string): Translated<T> {
  return { ok: false, error: { status: 400, code: "invalid_request", message, param } };
}
