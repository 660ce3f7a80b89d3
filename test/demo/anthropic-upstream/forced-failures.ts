import { AnthropicApiError } from "./api-error.ts";

/**
 * Magic model names that make the mock fail the way Anthropic does, for failover tests:
 * "fail-503" answers 529 overloaded_error (Anthropic's 503), "fail-429" answers 429
 * rate_limit_error, "fail-cut" breaks the connection mid-answer, "fail-slow" answers only after
 * SLOW_ANSWER_MS (no first byte before a test-sized per-try timeout).
 */

export const SLOW_ANSWER_MS = 1500;

export function forcedError(model: string): AnthropicApiError | undefined {
  if (model.includes("fail-503")) return new AnthropicApiError(529, "overloaded_error", "Overloaded");
  if (model.includes("fail-429")) {
    return new AnthropicApiError(
      429,
      "rate_limit_error",
      "This request would exceed the rate limit for your organization. Please try again later.",
      { "retry-after": "1" },
    );
  }
  return undefined;
}

export const cutsMidway = (model: string): boolean => model.includes("fail-cut");

export const answerDelayMs = (model: string): number => (model.includes("fail-slow") ? SLOW_ANSWER_MS : 0);
