import type { Logger } from "pino";
import type { AuditRecord, AuditSink } from "../../pipeline/audit-record.ts";
import { auditRecordSchema } from "./audit-record-schema.ts";
import { openSpoolFile } from "./spool-file.ts";

/**
 * The audit sink when no ClickHouse is configured: every row goes to the durable spool, which a
 * gateway started later with ClickHouse configured on the same spool directory replays.
 */
export async function createSpoolAuditSink(spoolDir: string, logger: Logger): Promise<AuditSink> {
  const spool = await openSpoolFile<AuditRecord>({ dir: spoolDir, schema: auditRecordSchema, logger });
  return {
    write: (record) => spool.append(record),
    flush: () => spool.flush(),
    close: () => spool.close(),
  };
}
