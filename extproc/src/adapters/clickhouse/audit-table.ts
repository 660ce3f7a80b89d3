/**
 * The request audit table (`audit_events`): one row per request. Its column list is the single
 * source of the table's DDL and of the row mapping (see clickhouse-table.ts).
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { AuditRecord } from "../../pipeline/audit-record.ts";
import {
  type EnsureTableResult,
  ensureTable,
  type TableColumn,
  type TableDefinition,
  type TableName,
  UINT16_MAX,
  UINT32_MAX,
  UINT64_SAFE_MAX,
  uint,
  utcDate,
} from "./clickhouse-table.ts";

export const auditColumns: readonly TableColumn<AuditRecord>[] = [
  { name: "event_date", type: "Date", from: (r) => utcDate(r.time_ms) },
  { name: "event_id", type: "String", from: (r) => r.event_id },
  { name: "request_id", type: "String", from: (r) => r.request_id },
  { name: "time_ms", type: "UInt64", from: (r) => uint(r.time_ms, UINT64_SAFE_MAX) },
  { name: "key_id", type: "String", from: (r) => r.key_id },
  { name: "user", type: "String", from: (r) => r.user },
  { name: "team", type: "String", from: (r) => r.team },
  { name: "api", type: "String", from: (r) => r.api },
  { name: "method", type: "String", from: (r) => r.method },
  { name: "path", type: "String", from: (r) => r.path },
  { name: "requested_model", type: "String", from: (r) => r.requested_model },
  { name: "provider", type: "String", from: (r) => r.provider },
  { name: "routed_model", type: "String", from: (r) => r.routed_model },
  { name: "decision", type: "String", from: (r) => r.decision },
  { name: "outcome", type: "String", from: (r) => r.outcome },
  { name: "reason_codes", type: "Array(String)", from: (r) => r.reason_codes },
  { name: "status", type: "UInt16", from: (r) => uint(r.status, UINT16_MAX) },
  { name: "policy_revision", type: "String", from: (r) => r.policy_revision },
  { name: "prompt_sha256", type: "String", from: (r) => r.prompt_sha256 },
  { name: "stream", type: "UInt8", from: (r) => (r.stream ? 1 : 0) },
  { name: "prompt_tokens", type: "UInt32", from: (r) => uint(r.prompt_tokens, UINT32_MAX) },
  { name: "completion_tokens", type: "UInt32", from: (r) => uint(r.completion_tokens, UINT32_MAX) },
  { name: "total_tokens", type: "UInt32", from: (r) => uint(r.total_tokens, UINT32_MAX) },
  { name: "latency_ms", type: "UInt64", from: (r) => uint(r.latency_ms, UINT64_SAFE_MAX) },
  { name: "tags", type: "Array(String)", from: (r) => r.tags },
  { name: "pii_types", type: "Array(String)", from: (r) => r.pii_types },
  { name: "pii_actions", type: "Array(String)", from: (r) => r.pii_actions },
  { name: "pii_directions", type: "Array(String)", from: (r) => r.pii_directions },
  { name: "pii_counts", type: "Array(UInt32)", from: (r) => r.pii_counts.map((n) => uint(n, UINT32_MAX)) },
  { name: "prompt", type: "String", from: (r) => r.prompt },
  { name: "attempts", type: "UInt16", from: (r) => uint(r.attempts, UINT16_MAX) },
];

export const auditTable: TableDefinition<AuditRecord> = {
  columns: auditColumns,
  orderBy: ["event_date", "team", "time_ms"],
};

/** Creates or migrates the request audit table (see ensureTable). */
export function ensureAuditTable(client: ClickHouseClient, name: TableName): Promise<EnsureTableResult> {
  return ensureTable(client, auditTable, name);
}
