/**
 * The provider attempts table (`audit_attempts`): one row per provider attempt, joined to the
 * request audit table by `request_id`. Its column list is the single source of the table's DDL
 * and of the row mapping (see clickhouse-table.ts).
 */
import type { AttemptRecord } from "../../pipeline/attempt-record.ts";
import {
  type TableColumn,
  type TableDefinition,
  UINT16_MAX,
  UINT64_SAFE_MAX,
  uint,
  utcDate,
} from "./clickhouse-table.ts";

export const attemptColumns: readonly TableColumn<AttemptRecord>[] = [
  { name: "event_date", type: "Date", from: (r) => utcDate(r.time_ms) },
  { name: "time_ms", type: "UInt64", from: (r) => uint(r.time_ms, UINT64_SAFE_MAX) },
  { name: "request_id", type: "String", from: (r) => r.request_id },
  { name: "attempt", type: "UInt16", from: (r) => uint(r.attempt, UINT16_MAX) },
  { name: "provider", type: "String", from: (r) => r.provider },
  { name: "model", type: "String", from: (r) => r.model },
  { name: "api", type: "String", from: (r) => r.api },
  { name: "status", type: "UInt16", from: (r) => uint(r.status, UINT16_MAX) },
  { name: "outcome", type: "String", from: (r) => r.outcome },
  { name: "error_code", type: "String", from: (r) => r.error_code },
  { name: "latency_ms", type: "UInt64", from: (r) => uint(r.latency_ms, UINT64_SAFE_MAX) },
  { name: "ttfb_ms", type: "UInt64", from: (r) => uint(r.ttfb_ms, UINT64_SAFE_MAX) },
];

export const attemptsTable: TableDefinition<AttemptRecord> = {
  columns: attemptColumns,
  // Provider health questions ("429s from anthropic this week") read by day and provider.
  orderBy: ["event_date", "provider", "time_ms"],
};
