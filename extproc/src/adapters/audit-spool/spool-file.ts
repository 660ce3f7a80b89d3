/**
 * Durable, append-only spool for records that could not reach their store yet.
 *
 * Layout of the spool directory:
 *   spool-<epochms 13 digits>-<seq 6 digits>.jsonl   segments; name order is write order
 *   spool-<...>.jsonl.offset                          replay checkpoint: decimal byte offset of the
 *                                                     first line not yet handed to the store
 *   rejected-<segment name>                           lines that failed to parse or validate,
 *                                                     moved aside verbatim for a human to inspect
 *
 * Segment format: JSON Lines (UTF-8), one record per line, each line ends with "\n". Only the
 * active segment of the running process is ever appended to (opened with O_APPEND|O_EXCL); a
 * segment becomes sealed when it reaches the size limit, at replay, or when its process ends, and
 * is never written again. A crash can therefore tear only the last line of a segment.
 *
 * Delivery is at-least-once: a segment is deleted after its last batch is stored, and the
 * checkpoint bounds what a crash mid-segment can repeat to one batch. Within one process a
 * segment is never replayed twice.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { z } from "zod";

export interface SpoolFileOptions<T> {
  dir: string;
  schema: z.ZodType<T>;
  logger: Logger;
  /** A segment is sealed once it grows past this size. */
  maxSegmentBytes?: number;
  /** Appends not yet written to disk beyond this are dropped (and counted), so memory stays bounded when the disk stalls. */
  maxPendingBytes?: number;
  /** A line longer than this is treated as corrupt, so one bad line cannot exhaust memory during replay. */
  maxLineBytes?: number;
}

export interface SpoolStats {
  /** Records accepted by `append` since start. */
  appended: number;
  /** Records handed to the store by `replay` since start. */
  replayed: number;
  /** Lines that failed to parse or validate and were moved aside. */
  rejected: number;
  /** Incomplete last lines (crash mid-write) that were skipped. */
  torn: number;
  /** Records lost because the disk could not take them (write error or pending limit). */
  dropped: number;
  /** Segment files currently on disk. */
  segments: number;
}

export interface ReplayResult {
  segments: number;
  records: number;
}

export interface SpoolFile<T> {
  /** Buffers the record for the disk; never throws and never waits on I/O. */
  append(record: T): void;
  /** Resolves once every record appended before the call is written and fsynced. */
  flush(): Promise<void>;
  /** True when records are on disk or pending that no replay has delivered yet. */
  hasData(): boolean;
  /**
   * Seals the active segment, then hands every sealed segment's records, oldest first and in
   * batches, to `store`; a segment is deleted once all its batches are stored. Stops at the first
   * failing batch and rethrows its error; the next replay resumes from the checkpoint.
   */
  replay(store: (batch: T[]) => Promise<void>, batchSize: number): Promise<ReplayResult>;
  stats(): SpoolStats;
  close(): Promise<void>;
}

const segmentPattern = /^spool-(\d{13})-(\d{6})\.jsonl$/;
const NEWLINE = 0x0a;

interface ActiveSegment {
  name: string;
  handle: FileHandle;
  bytes: number;
  dirty: boolean;
}

export async function openSpoolFile<T>(options: SpoolFileOptions<T>): Promise<SpoolFile<T>> {
  await mkdir(options.dir, { recursive: true });
  const spool = new JsonLinesSpool(options);
  await spool.scan();
  return spool;
}

class JsonLinesSpool<T> implements SpoolFile<T> {
  private readonly dir: string;
  private readonly schema: z.ZodType<T>;
  private readonly logger: Logger;
  private readonly maxSegmentBytes: number;
  private readonly maxPendingBytes: number;
  private readonly maxLineBytes: number;

  private pending: string[] = [];
  private pendingBytes = 0;
  private writeScheduled = false;
  private active: ActiveSegment | null = null;
  private sealed: string[] = [];
  private seq = 0;
  // All file mutations run one after another on this chain, so a flush never fsyncs a handle that
  // a rotation is closing, and replay never reads a segment still being appended to.
  private chain: Promise<void> = Promise.resolve();
  private replaying: Promise<ReplayResult> | null = null;
  private closed = false;
  private readonly done = new Set<string>();
  private readonly offsets = new Map<string, number>();
  private readonly counters = { appended: 0, replayed: 0, rejected: 0, torn: 0, dropped: 0 };

  constructor(options: SpoolFileOptions<T>) {
    this.dir = options.dir;
    this.schema = options.schema;
    this.logger = options.logger;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 16 * 1024 * 1024;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  }

  /** Segments left by an earlier process are sealed: this process only ever appends to new ones. */
  async scan(): Promise<void> {
    this.sealed = await this.listSegments();
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
    const bytes = Buffer.byteLength(line);
    if (this.pendingBytes + bytes > this.maxPendingBytes) {
      this.counters.dropped += 1;
      this.logger.error(
        { pendingBytes: this.pendingBytes },
        "audit spool write backlog is full; record dropped",
      );
      return;
    }
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.counters.appended += 1;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      void this.serial(() => this.writePending());
    }
  }

  flush(): Promise<void> {
    return this.serial(async () => {
      await this.writePending();
      await this.syncActive();
    });
  }

  hasData(): boolean {
    return (
      this.pending.length > 0 ||
      (this.active !== null && this.active.bytes > 0) ||
      this.sealed.some((name) => !this.done.has(name))
    );
  }

  replay(store: (batch: T[]) => Promise<void>, batchSize: number): Promise<ReplayResult> {
    if (this.replaying) return this.replaying;
    const run = async (): Promise<ReplayResult> => {
      await this.serial(() => this.sealActive());
      const result: ReplayResult = { segments: 0, records: 0 };
      for (const name of [...this.sealed]) {
        if (this.done.has(name)) continue;
        result.records += await this.replaySegment(name, store, Math.max(1, batchSize));
        result.segments += 1;
      }
      return result;
    };
    this.replaying = run().finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  stats(): SpoolStats {
    const onDisk = this.sealed.filter((name) => !this.done.has(name)).length;
    return { ...this.counters, segments: onDisk + (this.active ? 1 : 0) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await this.serial(async () => {
      const active = this.active;
      this.active = null;
      if (!active) return;
      await active.handle.close();
      // An empty segment carries nothing to replay; leaving it would only clutter the directory.
      if (active.bytes === 0) await rm(join(this.dir, active.name), { force: true });
      else this.sealed.push(active.name);
    });
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
    while (this.pending.length > 0) {
      const lines = this.pending;
      const bytes = this.pendingBytes;
      this.pending = [];
      this.pendingBytes = 0;
      try {
        const active = await this.activeSegment();
        await active.handle.write(lines.join(""));
        active.bytes += bytes;
        active.dirty = true;
        if (active.bytes >= this.maxSegmentBytes) await this.sealActive();
      } catch (error) {
        this.counters.dropped += lines.length;
        this.logger.error({ err: error, records: lines.length }, "audit spool write failed; records dropped");
      }
    }
  }

  private async syncActive(): Promise<void> {
    if (!this.active?.dirty) return;
    await this.active.handle.sync();
    this.active.dirty = false;
  }

  private async sealActive(): Promise<void> {
    await this.writePending();
    const active = this.active;
    if (!active) return;
    await this.syncActive();
    this.active = null;
    await active.handle.close();
    if (active.bytes === 0) await rm(join(this.dir, active.name), { force: true });
    else this.sealed.push(active.name);
  }

  private async activeSegment(): Promise<ActiveSegment> {
    if (this.active) return this.active;
    for (;;) {
      const name = `spool-${String(Date.now()).padStart(13, "0")}-${String(this.seq % 1_000_000).padStart(6, "0")}.jsonl`;
      this.seq += 1;
      try {
        const handle = await open(join(this.dir, name), "ax");
        this.active = { name, handle, bytes: 0, dirty: false };
        return this.active;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
  }

  private async listSegments(): Promise<string[]> {
    const names = (await readdir(this.dir)).filter((name) => segmentPattern.test(name));
    return names.sort();
  }

  private checkpointPath(name: string): string {
    return join(this.dir, `${name}.offset`);
  }

  private async readCheckpoint(name: string, size: number): Promise<number> {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    try {
      const text = (await readFile(this.checkpointPath(name), "utf8")).trim();
      const offset = /^\d+$/.test(text) ? Number(text) : 0;
      return offset <= size ? offset : 0;
    } catch {
      return 0;
    }
  }

  private async saveCheckpoint(name: string, offset: number): Promise<void> {
    this.offsets.set(name, offset);
    try {
      await writeFile(this.checkpointPath(name), String(offset));
    } catch (error) {
      // A lost checkpoint only means a crash would repeat this segment's stored batches.
      this.logger.warn({ err: error, segment: name }, "audit spool could not save replay checkpoint");
    }
  }

  private async replaySegment(
    name: string,
    store: (batch: T[]) => Promise<void>,
    batchSize: number,
  ): Promise<number> {
    const path = join(this.dir, name);
    const size = (await stat(path)).size;
    const start = await this.readCheckpoint(name, size);
    let batch: T[] = [];
    let batchEnd = start;
    let records = 0;
    let rejected: Buffer[] = [];
    const moveAsideRejected = async (): Promise<void> => {
      if (rejected.length === 0) return;
      this.logger.warn(
        { segment: name, lines: rejected.length },
        "audit spool lines failed validation; moved aside",
      );
      const text = Buffer.concat(rejected.flatMap((line) => [line, Buffer.from("\n")]));
      rejected = [];
      await writeFile(join(this.dir, `rejected-${name}`), text, { flag: "a" });
    };
    const storeBatch = async (): Promise<void> => {
      if (batch.length > 0) {
        await store(batch);
        records += batch.length;
        this.counters.replayed += batch.length;
        batch = [];
      }
      await moveAsideRejected();
      await this.saveCheckpoint(name, batchEnd);
    };

    let carry: Buffer[] = [];
    let carryBytes = 0;
    let skippingLongLine = false;
    let position = start;

    const takeLine = (line: Buffer, endOffset: number): void => {
      batchEnd = endOffset;
      if (line.length === 0) return;
      const record = this.parse(line);
      if (record === undefined) {
        this.counters.rejected += 1;
        rejected.push(line);
      } else {
        batch.push(record);
      }
    };

    const stream = createReadStream(path, { start, highWaterMark: 64 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, from)) {
        const piece = chunk.subarray(from, i);
        const endOffset = position + i + 1;
        if (skippingLongLine) {
          skippingLongLine = false;
          batchEnd = endOffset;
        } else {
          takeLine(carryBytes > 0 ? Buffer.concat([...carry, piece]) : piece, endOffset);
        }
        carry = [];
        carryBytes = 0;
        from = i + 1;
        // The iterator pulls the next chunk only after this await, which bounds memory to a batch.
        if (batch.length >= batchSize || rejected.length >= batchSize) await storeBatch();
      }
      if (from < chunk.length && !skippingLongLine) {
        carry.push(chunk.subarray(from));
        carryBytes += chunk.length - from;
        if (carryBytes > this.maxLineBytes) {
          this.counters.rejected += 1;
          this.logger.warn({ segment: name }, "audit spool line exceeds the size limit; skipped");
          carry = [];
          carryBytes = 0;
          skippingLongLine = true;
        }
      }
      position += chunk.length;
    }

    if (carryBytes > 0) {
      // No trailing newline: the writer died mid-line. The line may still be whole (cut just
      // before its newline), so it is kept if it validates.
      const record = this.parse(Buffer.concat(carry));
      if (record === undefined) {
        this.counters.torn += 1;
        this.logger.warn({ segment: name }, "audit spool segment ends with a torn line; skipped");
      } else {
        batch.push(record);
      }
      batchEnd = size;
    }
    await storeBatch();

    this.done.add(name);
    this.sealed = this.sealed.filter((n) => n !== name);
    this.offsets.delete(name);
    await rm(path, { force: true });
    await rm(this.checkpointPath(name), { force: true });
    return records;
  }

  private parse(line: Buffer): T | undefined {
    let json: unknown;
    try {
      json = JSON.parse(line.toString("utf8"));
    } catch {
      return undefined;
    }
    const result = this.schema.safeParse(json);
    return result.success ? result.data : undefined;
  }
}
