import { performance } from "node:perf_hooks";
import { ExchangeError } from "./exchange-error.ts";

/**
 * Closed-loop load: N workers each issue the next request as soon as the previous one finished, so
 * the offered load adapts to the server and concurrency (not arrival rate) is the controlled knob.
 */

export interface LevelOptions {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One request; resolves with its latency in ms, rejects with an ExchangeError. */
  once: () => Promise<number>;
  /** Called periodically while the level runs (e.g. to sample the server's RSS). */
  onSample?: () => void;
  /** Called when the measured window opens and closes (e.g. to read CPU counters). */
  window?: { open(): void; close(): void };
}

export interface LevelResult {
  concurrency: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Failures during warm-up and measurement: a denial is never silently measured. */
  errors: number;
  errorKinds: Record<string, number>;
  errorExample?: string;
  /** Requests that finished (ok or not) while the window was open: the divisor for CPU per request. */
  completedInWindow: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export async function runLevel(options: LevelOptions): Promise<LevelResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let errorExample: string | undefined;
  let windowOpen = false;
  let windowClosed = false;
  let completedInWindow = 0;
  const openWindow = (): void => {
    windowOpen = true;
    options.window?.open();
  };
  const closeWindow = (): void => {
    if (windowClosed) return;
    windowClosed = true;
    windowOpen = false;
    options.window?.close();
  };

  const worker = async (): Promise<void> => {
    while (performance.now() < measureUntil) {
      const begun = performance.now();
      try {
        const latency = await options.once();
        const ended = performance.now();
        if (windowOpen) completedInWindow += 1;
        if (begun >= measureFrom && ended <= measureUntil) latencies.push(latency);
      } catch (error) {
        if (windowOpen) completedInWindow += 1;
        const kind = error instanceof ExchangeError ? error.kind : "client error";
        errors += 1;
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        errorExample ??= error instanceof Error ? error.message : String(error);
      }
    }
  };

  const sampler = options.onSample ? setInterval(options.onSample, 200) : undefined;
  // Timers rather than checks in the workers, so the window's edges do not depend on when a
  // request happens to finish.
  const opener = setTimeout(openWindow, options.warmupMs);
  const closer = setTimeout(closeWindow, options.warmupMs + options.durationMs);
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    if (sampler) clearInterval(sampler);
    clearTimeout(opener);
    clearTimeout(closer);
  }
  // A late timer (busy event loop) must not leave the window unclosed.
  if (!windowOpen && !windowClosed) openWindow();
  closeWindow();

  latencies.sort((a, b) => a - b);
  const durationS = options.durationMs / 1000;
  return {
    concurrency: options.concurrency,
    durationS,
    requests: latencies.length,
    rps: latencies.length / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    errors,
    errorKinds,
    ...(errorExample === undefined ? {} : { errorExample }),
    completedInWindow,
  };
}
