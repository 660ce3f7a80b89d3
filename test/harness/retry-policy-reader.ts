import type { RetryOn, RetryPolicy } from "./harness-config.ts";
import { durationToMs, list, num, type Obj, obj, str } from "./yaml-values.ts";

const PREVIOUS_PRIORITIES = "envoy.retry_priorities.previous_priorities";
const KNOWN: ReadonlySet<string> = new Set<RetryOn>([
  "5xx",
  "gateway-error",
  "reset",
  "connect-failure",
  "retriable-4xx",
  "retriable-status-codes",
]);
// A field outside this set (per_try_idle_timeout, retry_host_predicate...) would change what Envoy
// does without the harness noticing: reading the file fails instead.
const EMULATED_FIELDS: ReadonlySet<string> = new Set([
  "retry_on",
  "retriable_status_codes",
  "num_retries",
  "per_try_timeout",
  "retry_back_off",
  "retry_priority",
]);
// RetryStateImpl: base_interval defaults to 25 ms (runtime upstream.base_retry_backoff_ms).
const DEFAULT_BASE_INTERVAL_MS = 25;

function isRetryOn(value: string): value is RetryOn {
  return KNOWN.has(value);
}

/** RouteAction.retry_policy; undefined when the route has none (Envoy then never retries). */
export function readRetryPolicy(routeAction: Obj): RetryPolicy | undefined {
  if (routeAction.retry_policy === undefined) return undefined;
  const policy = obj(routeAction.retry_policy);
  const unemulated = Object.keys(policy).filter((key) => !EMULATED_FIELDS.has(key));
  if (unemulated.length > 0)
    throw new Error(
      `envoy config: retry_policy fields the harness does not emulate: ${unemulated.join(",")}`,
    );
  const conditions = (str(policy.retry_on) ?? "").split(",").map((s) => s.trim());
  const unknown = conditions.filter((c) => c !== "" && !isRetryOn(c));
  if (unknown.length > 0)
    throw new Error(`envoy config: retry_on conditions the harness does not emulate: ${unknown.join(",")}`);
  const priority = obj(policy.retry_priority);
  const priorityName = str(priority.name);
  if (priorityName !== undefined && priorityName !== PREVIOUS_PRIORITIES)
    throw new Error(`envoy config: retry_priority ${priorityName} is not emulated`);
  return {
    retryOn: new Set(conditions.filter(isRetryOn)),
    retriableStatusCodes: list(policy.retriable_status_codes).map((c) => num(c, 0)),
    numRetries: num(policy.num_retries, 1),
    perTryTimeoutMs: durationToMs(policy.per_try_timeout, 0),
    baseIntervalMs: durationToMs(obj(policy.retry_back_off).base_interval, DEFAULT_BASE_INTERVAL_MS),
    ...(priorityName === undefined
      ? {}
      : {
          previousPriorities: {
            updateFrequency: Math.max(1, num(obj(priority.typed_config).update_frequency, 1)),
          },
        }),
  };
}
