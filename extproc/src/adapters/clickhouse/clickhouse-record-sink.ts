/**
 * A record sink that batches rows into one ClickHouse table and falls back to a disk spool while
 * ClickHouse is unreachable, replaying the spool (oldest first) once it answers again. The table
 * is a TableDefinition, so the request audit and the provider attempts share this machinery.
 *
 * Memory is bounded by `maxQueuedRecords` (beyond it records go to the spool) and by the spool's
 * own write backlog limit; `write` only ever touches memory.
 *
 * Works with ClickHouse 18.16 (CI) and current releases: the client is given no
 * `clickhouse_settings` and no query parameters, both of which 18.16 rejects as unknown settings.
 */
import { Readable } from "node:stream";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import type { Logger } from "pino";
import type { z } from "zod";
import { openSpoolFile, type SpoolFile } from "../audit-spool/spool-file.ts";
import { encodeRowLine, ensureTable, qualifiedTableName, type TableDefinition } from "./clickhouse-table.ts";

export interface ClickHouseSinkOptions {
  url: string;
  database: string;
  table: string;
  username?: string;
  password?: string;
  spoolDir: string;
  logger: Logger;
  /** Rows per INSERT; a full batch is sent without waiting for the timer. */
  batchSize?: number;
  flushIntervalMs?: number;
  /** Records held in memory at most; later ones go to the spool until the queue drains. */
  maxQueuedRecords?: number;
  /** How often to probe ClickHouse and replay the spool. */
  retryIntervalMs?: number;
  /** Bound on one ClickHouse request, so a hung server cannot stall the flush path forever. */
  requestTimeoutMs?: number;
}

export interface ClickHouseSinkStats {
  /** Records waiting in memory. */
  queued: number;
  /** Records written to the spool since start. */
  spooled: number;
  /** Records inserted into ClickHouse since start (direct and replayed). */
  inserted: number;
  /** Records inserted from the spool since start. */
  replayed: number;
  /** Failed ClickHouse operations (insert, table set-up, replay) since start. */
  failures: number;
  /** Spooled lines that failed validation and were moved aside. */
  rejected: number;
  /** Records lost: the spool could not take them, or they arrived after close. */
  dropped: number;
  /** Spool segment files on disk. */
  spoolSegments: number;
  clickhouseUp: boolean;
}

/** What the sink stores: the table's columns, and how a spooled line is validated on replay. */
export interface RecordKind<R> {
  readonly definition: TableDefinition<R>;
  readonly spoolSchema: z.ZodType<R>;
  /** Fields naming a record in a log line (ids only, never content). */
  readonly identify: (record: R) => Record<string, unknown>;
}

export interface ClickHouseSink<R> {
  /** Never throws and never blocks on the network. */
  write(record: R): void;
  /** Flushes everything accepted so far (to ClickHouse, or to the spool when it is down). */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): ClickHouseSinkStats;
  /**
   * Probes ClickHouse now and replays the spool, as the retry timer does. Resolves true when
   * ClickHouse is up and the spool was fully replayed.
   */
  retryNow(): Promise<boolean>;
}

interface QueuedRecord<R> {
  readonly record: R;
  readonly line: string;
}

export async function createClickHouseSink<R>(
  options: ClickHouseSinkOptions,
  kind: RecordKind<R>,
): Promise<ClickHouseSink<R>> {
  // Fails start-up on a malformed database/table name: that is configuration, not an outage.
  qualifiedTableName({ database: options.database, table: options.table });
  const spool = await openSpoolFile<R>({
    dir: options.spoolDir,
    schema: kind.spoolSchema,
    logger: options.logger,
  });
  const client = createClient({
    url: options.url,
    username: options.username ?? "default",
    password: options.password ?? "",
    request_timeout: requestTimeoutMs(options),
    max_open_connections: 4,
    // Small JSON batches on a near link: compression costs CPU for little gain.
    compression: { request: false, response: false },
  });
  const sink = new BatchingClickHouseSink(options, kind, client, spool);
  await sink.start();
  return sink;
}

function requestTimeoutMs(options: ClickHouseSinkOptions): number {
  return options.requestTimeoutMs ?? 10_000;
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

class BatchingClickHouseSink<R> implements ClickHouseSink<R> {
  private readonly logger: Logger;
  private readonly tableName: string;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueuedRecords: number;
  private readonly retryIntervalMs: number;
  private readonly requestTimeoutMs: number;

  // Each record is encoded when written, so a flush sends ready lines instead of encoding a whole
  // batch in one synchronous burst that would stall every request in flight. The record is kept
  // for the spool, should the insert fail.
  private queue: QueuedRecord<R>[] = [];
  private up = false;
  private tableReady = false;
  private closing = false;
  private closePromise: Promise<void> | null = null;
  private closed = false;
  private drainScheduled = false;
  private recoveryScheduled: Promise<boolean> | null = null;
  // Every move of records (insert, spool, replay) runs in order on this lane, so a flush that
  // enters the lane after a write knows that write has reached ClickHouse or the spool.
  private lane: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private readonly counters = { inserted: 0, failures: 0, droppedAfterClose: 0 };

  constructor(
    private readonly options: ClickHouseSinkOptions,
    private readonly kind: RecordKind<R>,
    private readonly client: ClickHouseClient,
    private readonly spool: SpoolFile<R>,
  ) {
    this.logger = options.logger;
    this.tableName = qualifiedTableName({ database: options.database, table: options.table });
    this.batchSize = Math.max(1, options.batchSize ?? 500);
    this.flushIntervalMs = Math.max(10, options.flushIntervalMs ?? 1000);
    this.maxQueuedRecords = Math.max(1, options.maxQueuedRecords ?? 10_000);
    this.retryIntervalMs = Math.max(10, options.retryIntervalMs ?? 5000);
    this.requestTimeoutMs = requestTimeoutMs(options);
  }

  async start(): Promise<void> {
    // On the lane, so a set-up still running after the deadline cannot race a recovery. The
    // deadline bounds the whole set-up (several requests), so a hung ClickHouse delays start by one
    // request timeout, not one per statement.
    const setup = this.inLane(() => this.ensureTable(), { quiet: true });
    try {
      await withDeadline(setup, this.requestTimeoutMs, "ClickHouse table set-up timed out");
      this.up = true;
    } catch (error) {
      this.counters.failures += 1;
      this.logger.warn(
        { err: error, url: this.options.url, table: this.tableName },
        "ClickHouse unreachable at start; audit records will be spooled to disk until it answers",
      );
    }
    if (this.up && this.spool.hasData()) void this.scheduleRecovery();
    // unref: pending audit timers alone must not keep a stopping process alive; close() flushes.
    const flushTimer = setInterval(() => this.onFlushTimer(), this.flushIntervalMs);
    const retryTimer = setInterval(() => this.onRetryTimer(), this.retryIntervalMs);
    flushTimer.unref();
    retryTimer.unref();
    this.timers = [flushTimer, retryTimer];
  }

  write(record: R): void {
    try {
      if (this.closed) {
        this.counters.droppedAfterClose += 1;
        this.logger.error(
          { table: this.tableName, ...this.kind.identify(record) },
          "audit record written after the sink was closed; dropped",
        );
        return;
      }
      // While closing, the queue may already have been drained for the last time; the spool is
      // flushed by close() itself, so nothing written before close() resolves is lost.
      if (this.closing || !this.up || this.queue.length >= this.maxQueuedRecords) {
        this.spool.append(record);
        return;
      }
      this.queue.push({ record, line: encodeRowLine(this.kind.definition, record) });
      if (this.queue.length >= this.batchSize) this.scheduleDrain();
    } catch (error) {
      this.logger.error({ err: error, table: this.tableName }, "audit sink write failed");
    }
  }

  async flush(): Promise<void> {
    await this.inLane(() => this.drainQueue());
    await this.spool.flush();
  }

  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    try {
      await this.flush();
    } finally {
      // A spool that cannot be written fails the flush; the files and sockets are released anyway,
      // and the error still reaches the caller.
      await this.lane;
      this.closed = true;
      await Promise.allSettled([this.spool.close(), this.client.close()]);
    }
  }

  retryNow(): Promise<boolean> {
    return this.scheduleRecovery();
  }

  stats(): ClickHouseSinkStats {
    const spool = this.spool.stats();
    return {
      queued: this.queue.length,
      spooled: spool.appended,
      inserted: this.counters.inserted,
      replayed: spool.replayed,
      failures: this.counters.failures,
      rejected: spool.rejected + spool.torn,
      dropped: spool.dropped + this.counters.droppedAfterClose,
      spoolSegments: spool.segments,
      clickhouseUp: this.up,
    };
  }

  /** `quiet`: the caller reports the failure itself. */
  private inLane<T>(task: () => Promise<T>, { quiet = false } = {}): Promise<T> {
    const result = this.lane.then(task);
    this.lane = result.then(
      () => undefined,
      (error: unknown) => {
        if (!quiet) this.logger.error({ err: error }, "audit sink task failed");
      },
    );
    return result;
  }

  private onFlushTimer(): void {
    if (this.queue.length > 0) this.scheduleDrain();
  }

  private onRetryTimer(): void {
    if (!this.up || this.spool.hasData()) void this.scheduleRecovery();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    void this.inLane(() => this.drainQueue());
  }

  private scheduleRecovery(): Promise<boolean> {
    if (!this.recoveryScheduled) {
      this.recoveryScheduled = this.inLane(() => this.recover()).finally(() => {
        this.recoveryScheduled = null;
      });
    }
    return this.recoveryScheduled;
  }

  private async drainQueue(): Promise<void> {
    this.drainScheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      if (!this.up) {
        for (const { record } of batch) this.spool.append(record);
        continue;
      }
      try {
        await this.insertLines(batch.map(({ line }) => line));
      } catch (error) {
        this.markDown(error, "insert");
        for (const { record } of batch) this.spool.append(record);
      }
    }
  }

  /** Runs on the lane: sets up the table if start-up could not, then replays the spool in order. */
  private async recover(): Promise<boolean> {
    try {
      if (!this.tableReady) await this.ensureTable();
      await this.spool.replay(
        (batch) => this.insertLines(batch.map((record) => encodeRowLine(this.kind.definition, record))),
        this.batchSize,
      );
    } catch (error) {
      this.markDown(error, "replay");
      return false;
    }
    if (!this.up)
      this.logger.info(
        { url: this.options.url, table: this.tableName },
        "ClickHouse reachable again; audit spool replayed",
      );
    this.up = true;
    return !this.spool.hasData();
  }

  private async ensureTable(): Promise<void> {
    const result = await ensureTable(this.client, this.kind.definition, {
      database: this.options.database,
      table: this.options.table,
    });
    this.tableReady = true;
    if (result.created || result.addedColumns.length > 0) {
      this.logger.info({ table: this.tableName, ...result }, "audit table created or migrated");
    }
  }

  /** One INSERT of pre-encoded JSONEachRow lines; resolves once ClickHouse has answered. */
  private async insertLines(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const result = await this.client.exec({
      query: `INSERT INTO ${this.tableName} FORMAT JSONEachRow`,
      values: Readable.from([lines.join("")], { objectMode: false }),
    });
    // The answer of an INSERT is empty; reading it to the end releases the connection.
    for await (const _ of result.stream) {
    }
    this.counters.inserted += lines.length;
  }

  private markDown(error: unknown, during: string): void {
    this.counters.failures += 1;
    if (this.up) {
      this.logger.warn(
        { err: error, during, url: this.options.url, table: this.tableName },
        "ClickHouse write failed; spooling audit records to disk",
      );
    } else {
      this.logger.debug({ err: error, during }, "ClickHouse still unreachable");
    }
    this.up = false;
  }
}
