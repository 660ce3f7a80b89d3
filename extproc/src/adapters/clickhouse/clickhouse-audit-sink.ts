/**
 * The request audit sink: `audit_events` rows through the shared batch writer and disk spool
 * (clickhouse-record-sink.ts).
 */
import type { AuditRecord, AuditSink } from "../../pipeline/audit-record.ts";
import { auditRecordSchema } from "../audit-spool/audit-record-schema.ts";
import { auditTable } from "./audit-table.ts";
import {
  type ClickHouseSink,
  type ClickHouseSinkOptions,
  createClickHouseSink,
} from "./clickhouse-record-sink.ts";

export type ClickHouseAuditSinkOptions = ClickHouseSinkOptions;
export type ClickHouseAuditSink = ClickHouseSink<AuditRecord> & AuditSink;

export function createClickHouseAuditSink(options: ClickHouseAuditSinkOptions): Promise<ClickHouseAuditSink> {
  return createClickHouseSink(options, {
    definition: auditTable,
    spoolSchema: auditRecordSchema,
    identify: (record) => ({ event_id: record.event_id }),
  });
}
