import { destination, pino } from "pino";
import { parseGatewayConfig } from "../extproc/src/config.ts";
import { openClickHouseAuditSinks } from "../extproc/src/open-audit-sink.ts";
import { startGateway } from "../extproc/src/start-gateway.ts";

/**
 * The bench's system under test: the real gateway (policy bundle, pipeline, ClickHouse audit with
 * its disk spool) configured from GATEWAY_* env, in its own process. Prints `READY <port>` when it
 * serves and, after SIGTERM, `STATS <json>` with the audit sink's counters so the bench can show
 * that audit really ran.
 */

const parsed = parseGatewayConfig(process.env);
if (!parsed.ok) {
  console.error(parsed.message);
  process.exit(2);
}
const config = parsed.config;
// stdout carries the READY/STATS protocol; logs go to stderr.
const logger = pino({ level: config.logLevel }, destination(2));

const clickhouse = config.audit.clickhouse;
if (!clickhouse) {
  console.error("the bench runs the gateway with audit on: set GATEWAY_CLICKHOUSE_URL");
  process.exit(2);
}
const audit = await openClickHouseAuditSinks({
  ...clickhouse,
  spoolDir: config.audit.spoolDir,
  batchSize: config.audit.batchSize,
  flushIntervalMs: config.audit.flushIntervalMs,
  logger,
});
const gateway = await startGateway(config, logger, { audit: audit.requests, attempts: audit.attempts });
console.log(`READY ${gateway.port}`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await gateway.close();
  await audit.flush();
  console.log(`STATS ${JSON.stringify({ audit: audit.requests.stats(), attempts: audit.attempts.stats() })}`);
  await audit.close();
  process.exit(0);
}
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
