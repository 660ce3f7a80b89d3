import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { OpenAiChatRequest } from "../openai-chat-request.ts";
import { translated, unsupportedFeature } from "../translation-result.ts";

/**
 * Request-level OpenAI features Anthropic's Messages API cannot honour. Each is refused with 422
 * naming the parameter: dropping it would change what the caller gets without telling them.
 * Bookkeeping fields that do not change the answer (store, metadata, service_tier, stream_options)
 * are not listed and pass.
 */

type Check = (request: OpenAiChatRequest) => string | undefined;

const present = (value: unknown): boolean => value !== undefined && value !== null;
const nonZero = (value: number | null | undefined): boolean => present(value) && value !== 0;

// [param, why it is refused when the check fires]
const CHECKS: ReadonlyArray<readonly [string, Check]> = [
  ["n", (r) => (present(r.n) && r.n !== 1 ? "n > 1 is not supported by anthropic" : undefined)],
  ["logprobs", (r) => (r.logprobs === true ? "logprobs are not supported by anthropic" : undefined)],
  [
    "top_logprobs",
    (r) => (present(r.top_logprobs) ? "top_logprobs is not supported by anthropic" : undefined),
  ],
  [
    "presence_penalty",
    (r) => (nonZero(r.presence_penalty) ? "presence_penalty is not supported by anthropic" : undefined),
  ],
  [
    "frequency_penalty",
    (r) => (nonZero(r.frequency_penalty) ? "frequency_penalty is not supported by anthropic" : undefined),
  ],
  ["seed", (r) => (present(r.seed) ? "seed is not supported by anthropic" : undefined)],
  [
    "logit_bias",
    (r) =>
      r.logit_bias && Object.keys(r.logit_bias).length > 0
        ? "logit_bias is not supported by anthropic"
        : undefined,
  ],
  [
    // Anthropic's range is 0 to 1. Clamping or rescaling would silently change sampling, so refuse.
    "temperature",
    (r) =>
      present(r.temperature) && (r.temperature ?? 0) > 1
        ? "temperature above 1 is not supported by anthropic (its range is 0 to 1)"
        : undefined,
  ],
  [
    // JSON mode could be emulated with a forced tool, but the answer would then need request context
    // to be turned back into text; a clear refusal is safer than a half-working emulation.
    "response_format",
    (r) =>
      r.response_format && r.response_format.type !== "text"
        ? `response_format ${r.response_format.type} is not supported by anthropic`
        : undefined,
  ],
  [
    "modalities",
    (r) =>
      r.modalities?.some((m) => m !== "text") ? "audio output is not supported by anthropic" : undefined,
  ],
  ["audio", (r) => (present(r.audio) ? "audio output is not supported by anthropic" : undefined)],
  [
    "functions",
    (r) => (present(r.functions) ? "legacy functions are not supported by anthropic; use tools" : undefined),
  ],
  [
    "function_call",
    (r) =>
      present(r.function_call)
        ? "legacy function_call is not supported by anthropic; use tool_choice"
        : undefined,
  ],
  [
    "reasoning_effort",
    (r) => (present(r.reasoning_effort) ? "reasoning_effort is not supported by anthropic" : undefined),
  ],
  ["prediction", (r) => (present(r.prediction) ? "prediction is not supported by anthropic" : undefined)],
  [
    "web_search_options",
    (r) => (present(r.web_search_options) ? "web_search_options is not supported by anthropic" : undefined),
  ],
];

export function rejectUnsupportedFeatures(request: OpenAiChatRequest): Translated<true> {
  for (const [param, check] of CHECKS) {
    const message = check(request);
    if (message !== undefined) return unsupportedFeature(message, param);
  }
  return translated(true);
}
