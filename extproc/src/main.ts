import pino from "pino";
import { parseGatewayConfig } from "./config.ts";
import { openAuditSinks } from "./open-audit-sink.ts";
import { startGateway } from "./start-gateway.ts";

/** The processor's entry point: the only place that reads the environment and builds adapters. */
const parsed = parseGatewayConfig(process.env);
if (!parsed.ok) {
  process.stderr.write(`${parsed.message}\n`);
  process.exit(2);
}
const config = parsed.config;
const logger = pino({ level: config.logLevel, base: { service: "gateway-extproc" } });
if (parsed.unknown.length > 0)
  logger.warn({ variables: parsed.unknown }, "ignoring unknown GATEWAY_* settings");

process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason }, "unhandled rejection");
});

try {
  const audit = await openAuditSinks(config.audit, logger);
  const gateway = await startGateway(config, logger, { audit: audit.requests, attempts: audit.attempts });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing open streams, flushing the audit");
    let exitCode = 0;
    // Each step runs even if the one before failed: a spool that cannot be written must still
    // let the process exit (and say so) rather than leave it hanging after SIGTERM.
    for (const [step, run] of [
      ["gateway", () => gateway.close()],
      ["audit", () => audit.close()],
    ] as const) {
      try {
        await run();
      } catch (error) {
        exitCode = 1;
        logger.error({ err: error, step }, "shutdown step failed");
      }
    }
    logger.info({ exitCode }, "stopped");
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
} catch (error) {
  logger.fatal({ err: error }, `gateway failed to start: ${(error as Error).message}`);
  process.exit(1);
}
