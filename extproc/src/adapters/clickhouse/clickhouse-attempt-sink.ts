/**
 * The provider attempts sink: `audit_attempts` rows through the shared batch writer and disk
 * spool (clickhouse-record-sink.ts). Its spool directory must not be the request audit's: each
 * spool replays into one table.
 */
import type { AttemptRecord, AttemptSink } from "../../pipeline/attempt-record.ts";
import { attemptRecordSchema } from "../audit-spool/attempt-record-schema.ts";
import { attemptsTable } from "./attempts-table.ts";
import {
  type ClickHouseSink,
  type ClickHouseSinkOptions,
  createClickHouseSink,
} from "./clickhouse-record-sink.ts";

export type ClickHouseAttemptSink = ClickHouseSink<AttemptRecord> & AttemptSink;

export function createClickHouseAttemptSink(options: ClickHouseSinkOptions): Promise<ClickHouseAttemptSink> {
  return createClickHouseSink(options, {
    definition: attemptsTable,
    spoolSchema: attemptRecordSchema,
    identify: (record) => ({ request_id: record.request_id, attempt: record.attempt }),
  });
}
