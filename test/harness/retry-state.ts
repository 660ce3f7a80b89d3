import type { RetryPolicy } from "./harness-config.ts";
import type { HeaderMap } from "./header-map.ts";
import type { ResetReason } from "./upstream-request.ts";

/**
 * Envoy's RetryStateImpl for one request, plus host selection across the priority levels behind
 * the route: each member cluster of an aggregate is one level, in order, with one host. A level
 * whose host is ejected (outlier detection) is unhealthy; the load goes to the first healthy
 * level, or all to level 0 when none is healthy (Envoy's panic mode).
 */
export class RetryState {
  private remaining: number;
  private retries = 0;
  /** previous_priorities state: levels attempted since the last reset, levels excluded. */
  private attempted: number[] = [];
  private readonly excluded = new Set<number>();
  private current = 0;

  constructor(
    private readonly policy: RetryPolicy | undefined,
    /** The clusters behind the route: [cluster], or the aggregate's members that have hosts. */
    private readonly levels: string[],
    /** Whether a cluster's host takes traffic now (not ejected by outlier detection). */
    private readonly healthy: (cluster: string) => boolean = () => true,
  ) {
    this.remaining = policy?.numRetries ?? 0;
  }

  get retried(): boolean {
    return this.retries > 0;
  }

  /** Picks the cluster for the next attempt and records it as attempted (onHostAttempted). */
  nextCluster(): string {
    const level = this.choosePriority();
    if (this.policy?.previousPriorities) this.attempted.push(level);
    return this.levels[level] ?? this.levels[0] ?? "";
  }

  /** The first healthy level not excluded; -1 when there is none. */
  private firstHealthy(excluded: ReadonlySet<number> = new Set()): number {
    return this.levels.findIndex((cluster, level) => !excluded.has(level) && this.healthy(cluster));
  }

  /** PreviousPrioritiesRetryPriority::determinePriorityLoad, health included. */
  private choosePriority(): number {
    // The original priority load: the first healthy level, or level 0 in panic.
    const original = Math.max(0, this.firstHealthy());
    const frequency = this.policy?.previousPriorities?.updateFrequency;
    if (frequency === undefined || this.attempted.length < frequency) return original;
    if (this.attempted.length % frequency !== 0) return this.current;
    for (const level of this.attempted) this.excluded.add(level);
    let next = this.firstHealthy(this.excluded);
    if (next === -1) {
      // No healthy level left untried: Envoy resets the exclusions and starts again from the top
      // (the original load, which is level 0 in panic when no level is healthy at all).
      this.excluded.clear();
      this.attempted = [];
      next = original;
    }
    this.current = next;
    return next;
  }

  /** RetryStateImpl::wouldRetryFromHeaders, on the headers as the upstream filters left them. */
  wouldRetryHeaders(headers: HeaderMap): boolean {
    const retryOn = this.policy?.retryOn;
    if (retryOn === undefined) return false;
    if (headers.has("x-envoy-overloaded") || headers.has("x-envoy-ratelimited")) return false;
    const status = Number(headers.get(":status") ?? "0");
    if (retryOn.has("5xx") && status >= 500 && status < 600) return true;
    if (retryOn.has("gateway-error") && status >= 502 && status <= 504) return true;
    if (retryOn.has("retriable-4xx") && status === 409) return true;
    return (
      retryOn.has("retriable-status-codes") && (this.policy?.retriableStatusCodes ?? []).includes(status)
    );
  }

  /** RetryStateImpl::wouldRetryFromReset; a per-try timeout is a local reset. */
  wouldRetryReset(reason: ResetReason): boolean {
    const retryOn = this.policy?.retryOn;
    if (retryOn === undefined) return false;
    if (retryOn.has("5xx") || retryOn.has("gateway-error") || retryOn.has("reset")) return true;
    return retryOn.has("connect-failure") && reason === "remote connection failure";
  }

  /** shouldRetry: consumes one retry when any remain. */
  takeRetry(): boolean {
    if (this.remaining <= 0) return false;
    this.remaining--;
    this.retries++;
    return true;
  }

  /**
   * Envoy's JitteredBackOffStrategy waits uniformly in [0, (2^n - 1) * base) before retry n,
   * capped at 10 * base. The harness waits the middle of that window: same mean, deterministic tests.
   */
  backoffMs(): number {
    const base = this.policy?.baseIntervalMs ?? 25;
    return Math.min((2 ** this.retries - 1) * base, base * 10) / 2;
  }
}
