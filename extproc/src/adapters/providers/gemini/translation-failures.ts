import type { Translated, TranslationFailure } from "../../../pipeline/provider-translation.ts";

/**
 * The three ways an OpenAI request can fail to become a Gemini request. Codes are stable: the
 * caller's SDK reads them as `error.code` and the audit row stores them.
 */

/** The request is malformed the way OpenAI itself would refuse it (400). */
export function invalidRequest<T = never>(message: string, param: string | null): Translated<T> {
  return failure({ status: 400, code: "invalid_request", message, param });
}

/** A tool message names a tool_call_id no earlier assistant message issued (400). */
export function unknownToolCall<T = never>(id: string, param: string): Translated<T> {
  return failure({
    status: 400,
    code: "unknown_tool_call_id",
    message: `tool_call_id '${id}' does not match a tool call of an earlier assistant message`,
    param,
  });
}

/** A valid OpenAI feature Gemini cannot express: refused, never silently dropped (422). */
export function unsupported<T = never>(feature: string, param: string | null): Translated<T> {
  return failure({
    status: 422,
    code: "unsupported_feature",
    message: `${feature} is not supported when the target provider is gemini`,
    param,
  });
}

function failure<T>(error: TranslationFailure): Translated<T> {
  return { ok: false, error };
}

export function translated<T>(value: T): Translated<T> {
  return { ok: true, value };
}
