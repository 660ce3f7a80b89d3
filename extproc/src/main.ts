import pino from "pino";
import { createSpoolAuditSink } from "./adapters/audit-spool/spool-audit-sink.ts";
import { createClickHouseAuditSink } from "./adapters/clickhouse/clickhouse-audit-sink.ts";
import { type GatewayConfig, parseGatewayConfig } from "./config.ts";
import type { AuditSink } from "./pipeline/audit-record.ts";
import { startGateway } from "./start-gateway.ts";

/** The processor's entry point: the only place that reads the environment and builds adapters. */
const parsed = parseGatewayConfig(process.env);
if (!parsed.ok) {
  process.stderr.write(`${parsed.message}\n`);
  process.exit(2);
}
const config = parsed.config;
const logger = pino({ level: config.logLevel, base: { service: "gateway-extproc" } });

async function createAuditSink(audit: GatewayConfig["audit"]): Promise<AuditSink> {
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

process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason }, "unhandled rejection");
});

try {
  const audit = await createAuditSink(config.audit);
  const gateway = await startGateway(config, logger, { audit });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing open streams, flushing the audit");
    await gateway.close();
    await audit.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  logger.fatal({ err: error }, `gateway failed to start: ${(error as Error).message}`);
  process.exit(1);
}
