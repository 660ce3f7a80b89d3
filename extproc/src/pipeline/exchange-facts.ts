import type { AuditDecision, AuditOutcome, AuditRecord } from "./audit-record.ts";
import type { PiiCount } from "./pii/request-pii-decision.ts";
import type { DecisionRoute } from "./policy-decision.ts";
import type { ApiKind, LlmRequestSummary, Principal } from "./policy-input.ts";
import type { RequestHead } from "./request-head.ts";
import type { TokenUsage } from "./response-usage.ts";

/** What the gateway has learned about one request so far; becomes its audit row. */
export interface ExchangeFacts {
  startedMs: number;
  head: RequestHead | undefined;
  api: ApiKind;
  principal: Principal | undefined;
  llm: LlmRequestSummary | null;
  route: DecisionRoute | null;
  decision: AuditDecision;
  reasonCodes: readonly string[];
  status: number;
  promptSha256: string;
  usage: TokenUsage | undefined;
  tags: readonly string[];
  policyRevision: string;
  piiCounts: readonly PiiCount[];
  /** Upstream attempts Envoy made (retries and failover included); 0 when none was made. */
  attempts: number;
  /** The forwarded (redacted) body, when the policy asks to store prompts. */
  prompt: string;
}

export function newExchangeFacts(startedMs: number, policyRevision: string): ExchangeFacts {
  return {
    startedMs,
    head: undefined,
    api: "unknown",
    principal: undefined,
    llm: null,
    route: null,
    decision: "error",
    reasonCodes: [],
    status: 0,
    promptSha256: "",
    usage: undefined,
    tags: [],
    policyRevision,
    piiCounts: [],
    attempts: 0,
    prompt: "",
  };
}

export function buildAuditRecord(
  facts: ExchangeFacts,
  outcome: AuditOutcome,
  eventId: string,
  endedMs: number,
): AuditRecord {
  return {
    event_id: eventId,
    request_id: facts.head?.requestId ?? "",
    time_ms: facts.startedMs,
    key_id: facts.principal?.key_id ?? "",
    user: facts.principal?.user ?? "",
    team: facts.principal?.team ?? "",
    api: facts.api,
    method: facts.head?.method ?? "",
    path: facts.head?.path ?? "",
    requested_model: facts.llm?.model ?? "",
    provider: facts.route?.provider ?? "",
    routed_model: facts.route?.model ?? "",
    decision: facts.decision,
    outcome,
    reason_codes: [...facts.reasonCodes],
    status: facts.status,
    policy_revision: facts.policyRevision,
    prompt_sha256: facts.promptSha256,
    stream: facts.llm?.stream ?? false,
    prompt_tokens: facts.usage?.prompt_tokens ?? 0,
    completion_tokens: facts.usage?.completion_tokens ?? 0,
    total_tokens: facts.usage?.total_tokens ?? 0,
    latency_ms: Math.max(0, endedMs - facts.startedMs),
    tags: [...facts.tags],
    pii_types: facts.piiCounts.map((count) => count.type),
    pii_actions: facts.piiCounts.map((count) => count.action),
    pii_directions: facts.piiCounts.map((count) => count.direction),
    pii_counts: facts.piiCounts.map((count) => count.count),
    prompt: facts.prompt,
    attempts: facts.attempts,
  };
}
