import path from "node:path";
import type { Logger } from "pino";
import { attemptRecordSchema } from "./adapters/audit-spool/attempt-record-schema.ts";
import { auditRecordSchema } from "./adapters/audit-spool/audit-record-schema.ts";
import { createSpoolSink } from "./adapters/audit-spool/spool-audit-sink.ts";
import {
  type ClickHouseAttemptSink,
  createClickHouseAttemptSink,
} from "./adapters/clickhouse/clickhouse-attempt-sink.ts";
import {
  type ClickHouseAuditSink,
  createClickHouseAuditSink,
} from "./adapters/clickhouse/clickhouse-audit-sink.ts";
import type { ClickHouseSinkOptions } from "./adapters/clickhouse/clickhouse-record-sink.ts";
import type { GatewayConfig } from "./config.ts";
import type { AttemptSink } from "./pipeline/attempt-record.ts";
import type { AuditSink } from "./pipeline/audit-record.ts";

/** The provider attempts table, next to the request audit table in the same database. */
export const DEFAULT_ATTEMPTS_TABLE = "audit_attempts";

/**
 * Each spool replays into one table, so attempt rows get their own directory inside the request
 * audit's spool: one spool setting still covers everything a replica must not lose.
 */
export function attemptsSpoolDir(spoolDir: string): string {
  return path.join(spoolDir, "attempts");
}

/** The two audit streams: one row per request, one row per provider attempt. */
export interface AuditSinks<R extends AuditSink = AuditSink, A extends AttemptSink = AttemptSink> {
  readonly requests: R;
  readonly attempts: A;
  flush(): Promise<void>;
  close(): Promise<void>;
}

function pair<R extends AuditSink, A extends AttemptSink>(requests: R, attempts: A): AuditSinks<R, A> {
  return {
    requests,
    attempts,
    flush: async () => {
      await Promise.all([requests.flush(), attempts.flush()]);
    },
    close: async () => {
      await Promise.all([requests.close(), attempts.close()]);
    },
  };
}

/**
 * Opens both sinks at once (a ClickHouse that hangs at start costs one set-up deadline, not two),
 * closing whichever opened if the other fails, so a failed start leaves no timers behind.
 */
async function openBoth<R extends AuditSink, A extends AttemptSink>(
  openRequests: () => Promise<R>,
  openAttempts: () => Promise<A>,
): Promise<AuditSinks<R, A>> {
  const [requests, attempts] = await Promise.allSettled([openRequests(), openAttempts()]);
  if (requests.status === "fulfilled" && attempts.status === "fulfilled") {
    return pair(requests.value, attempts.value);
  }
  await Promise.allSettled(
    [requests, attempts].flatMap((opened) => (opened.status === "fulfilled" ? [opened.value.close()] : [])),
  );
  throw requests.status === "rejected" ? requests.reason : (attempts as PromiseRejectedResult).reason;
}

export interface ClickHouseAuditSinksOptions extends ClickHouseSinkOptions {
  /** Defaults to DEFAULT_ATTEMPTS_TABLE; `table` names the request audit table. */
  attemptsTable?: string;
}

/** Both audit sinks on ClickHouse, each with its own spool, for callers that read their stats. */
export async function openClickHouseAuditSinks(
  options: ClickHouseAuditSinksOptions,
): Promise<AuditSinks<ClickHouseAuditSink, ClickHouseAttemptSink>> {
  const { attemptsTable, ...shared } = options;
  return openBoth(
    () => createClickHouseAuditSink(shared),
    () =>
      createClickHouseAttemptSink({
        ...shared,
        table: attemptsTable ?? DEFAULT_ATTEMPTS_TABLE,
        spoolDir: attemptsSpoolDir(shared.spoolDir),
      }),
  );
}

/** The audit sinks the configuration asks for: ClickHouse with a spool, or the spool alone. */
export async function openAuditSinks(audit: GatewayConfig["audit"], logger: Logger): Promise<AuditSinks> {
  if (!audit.clickhouse) {
    logger.warn({ spoolDir: audit.spoolDir }, "no ClickHouse configured: audit rows are kept in the spool");
    return openBoth(
      () => createSpoolSink(audit.spoolDir, auditRecordSchema, logger),
      () => createSpoolSink(attemptsSpoolDir(audit.spoolDir), attemptRecordSchema, logger),
    );
  }
  return openClickHouseAuditSinks({
    ...audit.clickhouse,
    spoolDir: audit.spoolDir,
    batchSize: audit.batchSize,
    flushIntervalMs: audit.flushIntervalMs,
    logger,
  });
}
