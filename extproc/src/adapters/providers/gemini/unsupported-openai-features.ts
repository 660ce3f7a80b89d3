import type { Translated } from "../../../pipeline/provider-translation.ts";
import { translated } from "../translation-result.ts";
import { unsupported } from "./translation-failures.ts";

/**
 * Top-level OpenAI fields that would change the answer and have no Gemini equivalent. Each is
 * refused with 422 naming the field rather than dropped, so a caller never gets an answer made
 * under rules it did not ask for. A field set to null or to its neutral value is accepted.
 */

type Check = (value: unknown) => boolean;

const isSet: Check = (value) => value !== undefined && value !== null;

const UNSUPPORTED: ReadonlyArray<readonly [field: string, feature: string, applies: Check]> = [
  ["logprobs", "logprobs", (v) => v === true],
  ["top_logprobs", "top_logprobs", isSet],
  ["logit_bias", "logit_bias", (v) => isSet(v) && Object.keys(v as object).length > 0],
  ["audio", "audio output", isSet],
  ["modalities", "output modalities other than text", (v) => Array.isArray(v) && v.some((m) => m !== "text")],
  ["prediction", "predicted outputs", isSet],
  ["web_search_options", "web_search_options", isSet],
  ["functions", "the legacy functions parameter (use tools)", isSet],
  ["function_call", "the legacy function_call parameter (use tool_choice)", isSet],
  ["reasoning_effort", "reasoning_effort", isSet],
  ["verbosity", "verbosity", isSet],
];

/** Gemini's candidateCount accepts 1 to 8. */
const MAX_CANDIDATES = 8;

export function rejectUnsupportedFeatures(body: Record<string, unknown>): Translated<null> {
  for (const [field, feature, applies] of UNSUPPORTED) {
    if (applies(body[field])) return unsupported(feature, field);
  }
  if (typeof body.n === "number" && body.n > MAX_CANDIDATES) {
    return unsupported(`n greater than ${MAX_CANDIDATES}`, "n");
  }
  return translated(null);
}
