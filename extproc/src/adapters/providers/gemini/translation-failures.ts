import type { Translated } from "../../../pipeline/provider-translation.ts";
import { refused, unsupportedFeature } from "../translation-result.ts";

/** The refusals only the Gemini translation gives, in its own wording. */

/** A tool message names a tool_call_id no earlier assistant message issued (400). */
export function unknownToolCall<T = never>(id: string, param: string): Translated<T> {
  return refused({
    status: 400,
    code: "unknown_tool_call_id",
    message: `tool_call_id '${id}' does not match a tool call of an earlier assistant message`,
    param,
  });
}

/** A valid OpenAI feature Gemini cannot express: refused, never silently dropped (422). */
export function unsupported<T = never>(feature: string, param: string | null): Translated<T> {
  return unsupportedFeature(`${feature} is not supported when the target provider is gemini`, param);
}
