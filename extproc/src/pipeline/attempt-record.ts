/**
 * One audit row per provider attempt (Envoy retries and failover make several per request), next
 * to the one row per request of audit-record.ts and joined to it by `request_id`. Plain data: the
 * ClickHouse sink maps it to columns of the same names (plus `event_date`, derived from `time_ms`).
 */
export type AttemptOutcome =
  | "completed" // the provider's answer went through to its end (whatever its status)
  | "refused" // the gateway answered itself (no usable route, untranslatable request, key refused)
  | "aborted" // the attempt ended early: Envoy retried elsewhere, timed out, or the caller left
  | "failed"; // the processor hit an internal error on this attempt

export interface AttemptRecord {
  /** Epoch milliseconds at which the attempt started. */
  time_ms: number;
  /** Envoy's x-request-id: the same id as the request's audit row. */
  request_id: string;
  /** 1 for the first try, from Envoy's x-envoy-attempt-count. */
  attempt: number;
  provider: string;
  /** The provider's model the attempt asked for. */
  model: string;
  api: string;
  /** The provider's HTTP status; 0 when it never answered. */
  status: number;
  outcome: AttemptOutcome;
  /** The gateway's error code when it refused or failed the attempt; empty otherwise. */
  error_code: string;
  latency_ms: number;
  /** Time to the provider's response headers; 0 when it never answered. */
  ttfb_ms: number;
}

/** Where attempt records go. `write` never throws and never blocks on the network. */
export interface AttemptSink {
  write(record: AttemptRecord): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}
