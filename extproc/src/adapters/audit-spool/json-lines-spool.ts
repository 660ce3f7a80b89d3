import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { PendingLines } from "./pending-lines.ts";
import { ReplayCheckpoints } from "./replay-checkpoint.ts";
import { listSegments } from "./segment-names.ts";
import { deliverSegment, type SegmentReplayOptions } from "./segment-replay.ts";
import { SegmentWriter } from "./segment-writer.ts";
import type { ReplayResult, SpoolFile, SpoolFileOptions, SpoolStats } from "./spool-file.ts";

/**
 * Appended records go through a bounded in-memory backlog to the active segment; replay seals it
 * and delivers the sealed segments oldest first.
 */
export class JsonLinesSpool<T> implements SpoolFile<T> {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly maxSegmentBytes: number;
  private readonly pending: PendingLines;
  private readonly writer: SegmentWriter;
  private readonly checkpoints: ReplayCheckpoints;
  private readonly replayOptions: SegmentReplayOptions<T>;

  private writeScheduled = false;
  private sealed: string[] = [];
  // All file mutations run one after another on this chain, so a flush never fsyncs a handle that
  // a rotation is closing, and replay never reads a segment still being appended to.
  private chain: Promise<void> = Promise.resolve();
  private replaying: Promise<ReplayResult> | null = null;
  private closed = false;
  private readonly counters = { appended: 0, replayed: 0, rejected: 0, torn: 0, dropped: 0 };

  constructor(options: SpoolFileOptions<T>) {
    this.dir = options.dir;
    this.logger = options.logger;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 16 * 1024 * 1024;
    this.pending = new PendingLines(options.maxPendingBytes ?? 64 * 1024 * 1024);
    this.writer = new SegmentWriter(options.dir);
    this.checkpoints = new ReplayCheckpoints(options.dir, options.logger);
    this.replayOptions = {
      dir: options.dir,
      schema: options.schema,
      logger: options.logger,
      maxLineBytes: options.maxLineBytes ?? 1024 * 1024,
      checkpoints: this.checkpoints,
      counters: this.counters,
    };
  }

  /** Segments left by an earlier process are sealed: this process only ever appends to new ones. */
  async scan(): Promise<void> {
    this.sealed = await listSegments(this.dir);
    if (this.sealed.length > 0) {
      this.logger.info(
        { dir: this.dir, segments: this.sealed.length },
        "audit spool holds segments to replay",
      );
    }
  }

  append(record: T): void {
    if (this.closed) {
      this.counters.dropped += 1;
      this.logger.error("audit spool is closed; record dropped");
      return;
    }
    let line: string;
    try {
      line = `${JSON.stringify(record)}\n`;
    } catch (error) {
      this.counters.dropped += 1;
      this.logger.error({ err: error }, "audit spool could not serialise a record; dropped");
      return;
    }
    if (!this.pending.add(line)) {
      this.counters.dropped += 1;
      this.logger.error(
        { pendingBytes: this.pending.bytes },
        "audit spool write backlog is full; record dropped",
      );
      return;
    }
    this.counters.appended += 1;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      void this.serial(() => this.writePending());
    }
  }

  flush(): Promise<void> {
    return this.serial(async () => {
      await this.writePending();
      await this.writer.sync();
    });
  }

  hasData(): boolean {
    return !this.pending.isEmpty || this.writer.bytes > 0 || this.sealed.length > 0;
  }

  replay(store: (batch: T[]) => Promise<void>, batchSize: number): Promise<ReplayResult> {
    if (this.replaying) return this.replaying;
    this.replaying = this.replayAll(store, Math.max(1, batchSize)).finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  stats(): SpoolStats {
    return { ...this.counters, segments: this.sealed.length + (this.writer.isOpen ? 1 : 0) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      // Even when the fsync failed, the handle is closed and the segment sealed for the next process.
      await this.serial(() => this.closeActive());
    }
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const next = this.chain.then(task);
    this.chain = next.catch((error: unknown) => {
      this.logger.error({ err: error }, "audit spool file operation failed");
    });
    return next;
  }

  private async writePending(): Promise<void> {
    this.writeScheduled = false;
    while (!this.pending.isEmpty) {
      const { lines, bytes } = this.pending.takeAll();
      try {
        const segmentBytes = await this.writer.write(lines.join(""), bytes);
        if (segmentBytes >= this.maxSegmentBytes) await this.sealActive();
      } catch (error) {
        this.counters.dropped += lines.length;
        this.logger.error({ err: error, records: lines.length }, "audit spool write failed; records dropped");
      }
    }
  }

  private async sealActive(): Promise<void> {
    await this.writePending();
    await this.writer.sync();
    await this.closeActive();
  }

  private async closeActive(): Promise<void> {
    const name = await this.writer.close();
    if (name !== undefined) this.sealed.push(name);
  }

  private async replayAll(store: (batch: T[]) => Promise<void>, batchSize: number): Promise<ReplayResult> {
    await this.serial(() => this.sealActive());
    const result: ReplayResult = { segments: 0, records: 0 };
    for (const name of [...this.sealed]) {
      result.records += await this.replaySegment(name, store, batchSize);
      result.segments += 1;
    }
    return result;
  }

  private async replaySegment(
    name: string,
    store: (batch: T[]) => Promise<void>,
    batchSize: number,
  ): Promise<number> {
    const records = await deliverSegment(this.replayOptions, name, store, batchSize);
    // Forgotten before its files go, so a failed delete cannot get the segment replayed twice.
    this.sealed = this.sealed.filter((n) => n !== name);
    await rm(join(this.dir, name), { force: true });
    await this.checkpoints.remove(name);
    return records;
  }
}
