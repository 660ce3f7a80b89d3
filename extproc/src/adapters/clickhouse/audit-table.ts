/**
 * The request audit table (`audit_events`): one row per request. Its column list is the single
 * source of the table's DDL and of the row mapping (see clickhouse-table.ts).
 */
import type { ClickHouseClient } from "@clickhouse/client";
import type { AuditRecord } from "../../pipeline/audit-record.ts";
import {
  type EnsureTableResult,
  ensureTable,
  recordColumns,
  type TableColumn,
  type TableDefinition,
  type TableName,
} from "./clickhouse-table.ts";

export const auditColumns: readonly TableColumn<AuditRecord>[] = recordColumns<AuditRecord>({
  event_id: "String",
  request_id: "String",
  time_ms: "UInt64",
  key_id: "String",
  user: "String",
  team: "String",
  api: "String",
  method: "String",
  path: "String",
  requested_model: "String",
  provider: "String",
  routed_model: "String",
  decision: "String",
  outcome: "String",
  reason_codes: "Array(String)",
  status: "UInt16",
  policy_revision: "String",
  prompt_sha256: "String",
  stream: "UInt8",
  prompt_tokens: "UInt32",
  completion_tokens: "UInt32",
  total_tokens: "UInt32",
  latency_ms: "UInt64",
  tags: "Array(String)",
  pii_types: "Array(String)",
  pii_actions: "Array(String)",
  pii_directions: "Array(String)",
  pii_counts: "Array(UInt32)",
  prompt: "String",
  attempts: "UInt16",
});

export const auditTable: TableDefinition<AuditRecord> = {
  columns: auditColumns,
  orderBy: ["event_date", "team", "time_ms"],
};

/** Creates or migrates the request audit table (see ensureTable). */
export function ensureAuditTable(client: ClickHouseClient, name: TableName): Promise<EnsureTableResult> {
  return ensureTable(client, auditTable, name);
}
