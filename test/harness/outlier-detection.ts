import type { ClusterEndpoint, OutlierDetectionSettings } from "./harness-config.ts";

/**
 * What the router tells a host's outlier detector after an attempt: the response status it saw
 * (after the upstream filters), or a local-origin failure, which Envoy (without
 * split_external_local_origin_errors) counts as 503 (connect failure, reset) or 504 (timeout).
 */
export type OutlierResult = { kind: "status"; status: number } | { kind: "reset" } | { kind: "timeout" };

interface HostState {
  consecutive5xx: number;
  consecutiveGatewayFailure: number;
  /** When the current ejection began; undefined while the host takes traffic. */
  ejectedAtMs: number | undefined;
  /** Envoy's eject_time_backoff: up at each ejection, down at each sweep the host stays in. */
  backoff: number;
}

interface Detector {
  settings: OutlierDetectionSettings;
  /** One host per cluster: the harness sends to the cluster's first endpoint. */
  host: HostState;
  nextSweepMs: number;
}

const isGatewayError = (status: number) => status >= 502 && status <= 504;

/**
 * Envoy's outlier detection (DetectorImpl) for the consecutive-error detectors, one per cluster
 * that configures it, state kept across requests. An ejection starts at once when a counter
 * reaches its threshold (if enforced and max_ejection_percent allows it) and ends at the first
 * interval sweep after base_ejection_time × backoff (capped by max_ejection_time) has passed.
 * `now` is injectable so tests can move time instead of waiting.
 */
export class OutlierDetectors {
  private readonly detectors = new Map<string, Detector>();

  constructor(
    clusters: Record<string, ClusterEndpoint>,
    private readonly now: () => number = Date.now,
  ) {
    const start = now();
    for (const [name, cluster] of Object.entries(clusters)) {
      const settings = cluster.outlierDetection;
      if (settings === undefined) continue;
      this.detectors.set(name, {
        settings,
        host: { consecutive5xx: 0, consecutiveGatewayFailure: 0, ejectedAtMs: undefined, backoff: 0 },
        nextSweepMs: start + settings.intervalMs,
      });
    }
  }

  /** Whether the cluster's host is ejected now (its priority level then has no healthy host). */
  isEjected(cluster: string): boolean {
    const detector = this.detectors.get(cluster);
    if (detector === undefined) return false;
    this.sweep(detector);
    return detector.host.ejectedAtMs !== undefined;
  }

  /** DetectorHostMonitorImpl::putHttpResponseCode, after mapping local-origin results to a status. */
  report(cluster: string, result: OutlierResult): void {
    const detector = this.detectors.get(cluster);
    if (detector === undefined) return;
    this.sweep(detector);
    const status = result.kind === "status" ? result.status : result.kind === "timeout" ? 504 : 503;
    const { host, settings } = detector;
    if (status < 500 || status > 599) {
      host.consecutive5xx = 0;
      host.consecutiveGatewayFailure = 0;
      return;
    }
    if (isGatewayError(status)) {
      host.consecutiveGatewayFailure++;
      if (host.consecutiveGatewayFailure === settings.consecutiveGatewayFailure) {
        host.consecutiveGatewayFailure = 0;
        if (settings.enforcingConsecutiveGatewayFailure > 0) this.eject(detector);
      }
    } else {
      host.consecutiveGatewayFailure = 0;
    }
    host.consecutive5xx++;
    if (host.consecutive5xx === settings.consecutive5xx) {
      host.consecutive5xx = 0;
      if (settings.enforcingConsecutive5xx > 0) this.eject(detector);
    }
  }

  private eject({ host, settings }: Detector): void {
    if (host.ejectedAtMs !== undefined) return;
    // One host: ejecting it ejects 100% of the cluster.
    if (settings.maxEjectionPercent < 100) return;
    if (host.backoff * settings.baseEjectionTimeMs < settings.maxEjectionTimeMs + settings.baseEjectionTimeMs)
      host.backoff++;
    host.ejectedAtMs = this.now();
  }

  /** The interval timer's sweeps (checkHostForUneject) that fell due since the last look. */
  private sweep(detector: Detector): void {
    const { host, settings } = detector;
    const now = this.now();
    while (detector.nextSweepMs <= now) {
      const at = detector.nextSweepMs;
      detector.nextSweepMs += settings.intervalMs;
      if (host.ejectedAtMs === undefined) {
        if (host.backoff > 0) host.backoff--;
        continue;
      }
      const ejectionMs = Math.min(settings.baseEjectionTimeMs * host.backoff, settings.maxEjectionTimeMs);
      if (at - host.ejectedAtMs >= ejectionMs) {
        host.ejectedAtMs = undefined;
        host.consecutive5xx = 0;
        host.consecutiveGatewayFailure = 0;
      }
    }
  }
}
