import type { Logger } from "pino";
import { createSpoolAuditSink } from "./adapters/audit-spool/spool-audit-sink.ts";
import { createClickHouseAuditSink } from "./adapters/clickhouse/clickhouse-audit-sink.ts";
import type { GatewayConfig } from "./config.ts";
import type { AuditSink } from "./pipeline/audit-record.ts";

/** The audit sink the configuration asks for: ClickHouse with a spool, or the spool alone. */
export async function openAuditSink(audit: GatewayConfig["audit"], logger: Logger): Promise<AuditSink> {
  if (!audit.clickhouse) {
    logger.warn({ spoolDir: audit.spoolDir }, "no ClickHouse configured: audit rows are kept in the spool");
    return createSpoolAuditSink(audit.spoolDir, logger);
  }
  return createClickHouseAuditSink({
    ...audit.clickhouse,
    spoolDir: audit.spoolDir,
    batchSize: audit.batchSize,
    flushIntervalMs: audit.flushIntervalMs,
    logger,
  });
}
