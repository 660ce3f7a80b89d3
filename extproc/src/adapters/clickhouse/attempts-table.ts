/**
 * The provider attempts table (`audit_attempts`): one row per provider attempt, joined to the
 * request audit table by `request_id`. Its column list is the single source of the table's DDL
 * and of the row mapping (see clickhouse-table.ts).
 */
import type { AttemptRecord } from "../../pipeline/attempt-record.ts";
import { recordColumns, type TableColumn, type TableDefinition } from "./clickhouse-table.ts";

export const attemptColumns: readonly TableColumn<AttemptRecord>[] = recordColumns<AttemptRecord>({
  time_ms: "UInt64",
  request_id: "String",
  attempt: "UInt16",
  provider: "String",
  model: "String",
  api: "String",
  status: "UInt16",
  outcome: "String",
  error_code: "String",
  latency_ms: "UInt64",
  ttfb_ms: "UInt64",
});

export const attemptsTable: TableDefinition<AttemptRecord> = {
  columns: attemptColumns,
  // Provider health questions ("429s from anthropic this week") read by day and provider.
  orderBy: ["event_date", "provider", "time_ms"],
};
