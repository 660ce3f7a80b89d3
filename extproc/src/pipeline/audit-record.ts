/**
 * One audit row per request, allowed or denied. Plain data: the ClickHouse sink maps it to columns
 * of the same names (plus an `event_date` partition column derived from `time_ms`). Never holds a
 * secret or a raw prompt: the prompt is represented by its SHA-256 only.
 */
export type AuditDecision = "allow" | "deny" | "error";

export type AuditOutcome =
  | "completed" // the response was delivered to the end
  | "denied" // the gateway answered itself (auth, policy, bad request)
  | "aborted" // the stream ended before the response was complete (client or upstream went away)
  | "failed"; // the processor could not process the request (fail closed)

export interface AuditRecord {
  event_id: string;
  request_id: string;
  time_ms: number;
  key_id: string;
  user: string;
  team: string;
  api: string;
  method: string;
  path: string;
  requested_model: string;
  provider: string;
  routed_model: string;
  decision: AuditDecision;
  outcome: AuditOutcome;
  reason_codes: string[];
  status: number;
  policy_revision: string;
  prompt_sha256: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  latency_ms: number;
  tags: string[];
  /** Parallel arrays: one entry per (type, action, direction) of PII found; values never stored. */
  pii_types: string[];
  pii_actions: string[];
  pii_directions: string[];
  pii_counts: number[];
  /** The request body as forwarded (redacted), only when the policy asks to store prompts. */
  prompt: string;
  /** Upstream attempts (retries and failover included); `provider` is the one that answered. */
  attempts: number;
}

/** Where audit records go. `write` never throws and never blocks on the network. */
export interface AuditSink {
  write(record: AuditRecord): void;
  /** Flushes everything accepted so far (to ClickHouse, or to the spool when it is down). */
  flush(): Promise<void>;
  close(): Promise<void>;
}
