import type { ClusterEndpoint, RetryPolicy, VirtualHost } from "./harness-config.ts";
import type { HeaderMap } from "./header-map.ts";
import { localReplySource } from "./local-reply.ts";
import type { OutlierDetectors } from "./outlier-detection.ts";
import { RetryState } from "./retry-state.ts";
import type { ResponseSource } from "./router.ts";
import { type AttemptRequest, type AttemptResult, startAttempt } from "./upstream-attempt.ts";

export interface AttemptLoopOptions {
  headers: HeaderMap;
  body: Buffer | undefined;
  levels: string[];
  clusters: Record<string, ClusterEndpoint>;
  virtualHost: VirtualHost;
  timeoutMs: number;
  retryPolicy: RetryPolicy | undefined;
  bufferLimitBytes: number;
  filterContext: AttemptRequest["filterContext"];
  /** The clusters' outlier detectors: told every attempt's result, asked which hosts are ejected. */
  outliers: OutlierDetectors;
}

interface Timer<T> {
  fired: Promise<T>;
  onFire(callback: () => void): void;
  cancel(): void;
}

/** A timer as a promise; 0 ms means no timeout, as in Envoy. */
function timer<T>(ms: number, value: T): Timer<T> {
  let handle: NodeJS.Timeout | undefined;
  const callbacks: Array<() => void> = [];
  const fired = new Promise<T>((resolve) => {
    if (ms > 0)
      handle = setTimeout(() => {
        resolve(value);
        for (const callback of callbacks) callback();
      }, ms);
  });
  return { fired, onFire: (callback) => callbacks.push(callback), cancel: () => clearTimeout(handle) };
}

/** FilterUtility::setTimeoutHeaders: what is left of the per-try or global timeout. */
function expectedTimeoutMs(globalMs: number, perTryMs: number, elapsedMs: number): number {
  const expected = perTryMs > 0 ? perTryMs : globalMs;
  if (expected === 0 || globalMs === 0) return expected;
  return elapsedMs >= globalMs ? 1 : Math.min(expected, globalMs - elapsedMs);
}

const resetBody = (retried: boolean, result: Extract<AttemptResult, { kind: "reset" }>) =>
  `upstream connect error or disconnect/reset before headers. ${retried ? "retried and the latest " : ""}` +
  `reset reason: ${result.reason}` +
  (result.transportFailure === "" ? "" : `, transport failure reason: ${result.transportFailure}`);

/**
 * The router's attempts for one request: the global timeout (from request complete, over every
 * attempt and the response body), the per-try timeout (until response headers reach the router),
 * retry decisions, backoff, and the attempt count headers.
 */
export async function runAttempts(options: AttemptLoopOptions): Promise<ResponseSource> {
  const { headers, virtualHost, timeoutMs } = options;
  const method = headers.get(":method") ?? "GET";
  const requestComplete = Date.now();
  const { outliers } = options;
  const retry = new RetryState(options.retryPolicy, options.levels, (name) => !outliers.isEjected(name));
  const perTryConfigured = options.retryPolicy?.perTryTimeoutMs ?? 0;
  // finalTimeout: a per-try timeout not below the global one is dropped.
  const perTryMs = timeoutMs > 0 && perTryConfigured >= timeoutMs ? 0 : perTryConfigured;
  const global = timer(timeoutMs, "global" as const);
  let attemptCount = 1;
  const withCount = (source: ResponseSource) => {
    if (virtualHost.includeAttemptCountInResponse)
      source.headers.set("x-envoy-attempt-count", String(attemptCount));
    return source;
  };
  const timeoutReply = () => withCount(localReplySource(504, "upstream request timeout", method));

  for (;;) {
    if (virtualHost.includeRequestAttemptCount) headers.set("x-envoy-attempt-count", String(attemptCount));
    // The first attempt starts at "request complete": it announces the whole timeout, as Envoy does.
    const elapsed = attemptCount === 1 ? 0 : Date.now() - requestComplete;
    const expected = expectedTimeoutMs(timeoutMs, perTryMs, elapsed);
    if (expected > 0) headers.set("x-envoy-expected-rq-timeout-ms", String(expected));
    const clusterName = retry.nextCluster();
    const cluster = options.clusters[clusterName];
    if (cluster === undefined) return withCount(localReplySource(503, "no healthy upstream", method));
    const attempt = startAttempt({
      cluster,
      headers,
      body: options.body === undefined ? undefined : Buffer.from(options.body),
      bufferLimitBytes: options.bufferLimitBytes,
      filterContext: options.filterContext,
    });
    const perTry = timer(perTryMs, "per-try" as const);
    const first = await Promise.race([attempt.result, global.fired, perTry.fired]);
    perTry.cancel();
    if (first === "global") {
      attempt.abort();
      outliers.report(clusterName, { kind: "timeout" });
      return timeoutReply();
    }
    if (first === "per-try") attempt.abort();
    const result: AttemptResult =
      first === "per-try" ? { kind: "reset", reason: "local reset", transportFailure: "" } : first;
    // The router reports what it saw; an upstream filter's local reply never reaches it.
    if (first === "per-try") outliers.report(clusterName, { kind: "timeout" });
    else if (result.kind === "reset") outliers.report(clusterName, { kind: "reset" });
    else if (result.kind === "response")
      outliers.report(clusterName, { kind: "status", status: Number(result.source.headers.get(":status")) });
    if (result.kind === "local") {
      global.cancel();
      return result.source;
    }
    if (result.kind === "response") {
      if (!(retry.wouldRetryHeaders(result.source.headers) && retry.takeRetry())) {
        const source = withCount(result.source);
        source.headers.set("x-envoy-upstream-service-time", String(Date.now() - requestComplete));
        // The global timeout keeps running until the response body is complete.
        global.onFire(() => source.abort());
        source.body.complete().then(() => global.cancel());
        return source;
      }
      result.source.abort();
    } else if (!(retry.wouldRetryReset(result.reason) && retry.takeRetry())) {
      global.cancel();
      if (first === "per-try") return timeoutReply();
      return withCount(localReplySource(503, resetBody(retry.retried, result), method));
    }
    const backoff = new Promise<"backoff">((resolve) =>
      setTimeout(() => resolve("backoff"), retry.backoffMs()),
    );
    if ((await Promise.race([backoff, global.fired])) === "global") return timeoutReply();
    attemptCount++;
  }
}
