import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { z } from "zod";
import { readJsonLines, type SegmentLine } from "./json-lines-reader.ts";
import type { ReplayCheckpoints } from "./replay-checkpoint.ts";
import { rejectedName } from "./segment-names.ts";
import type { SpoolStats } from "./spool-file.ts";

export interface SegmentReplayOptions<T> {
  dir: string;
  schema: z.ZodType<T>;
  logger: Logger;
  maxLineBytes: number;
  checkpoints: ReplayCheckpoints;
  /** The spool's counters, updated here as lines are delivered, rejected or found torn. */
  counters: Pick<SpoolStats, "replayed" | "rejected" | "torn">;
}

/**
 * Hands the records of a sealed segment, from its checkpoint on, to `store` in batches of at most
 * `batchSize`, moving invalid lines aside and saving the checkpoint after each batch. Returns how
 * many records were stored; deleting the segment is left to the caller.
 */
export function deliverSegment<T>(
  options: SegmentReplayOptions<T>,
  name: string,
  store: (batch: T[]) => Promise<void>,
  batchSize: number,
): Promise<number> {
  return new SegmentDelivery(options, name, store, batchSize).run();
}

const NEWLINE = Buffer.from("\n");

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

class SegmentDelivery<T> {
  private readonly path: string;
  private batch: T[] = [];
  private rejected: Buffer[] = [];
  /** Offset just past the last line taken: the checkpoint once the batch is stored. */
  private batchEnd = 0;
  private records = 0;

  constructor(
    private readonly options: SegmentReplayOptions<T>,
    private readonly name: string,
    private readonly store: (batch: T[]) => Promise<void>,
    private readonly batchSize: number,
  ) {
    this.path = join(options.dir, name);
  }

  async run(): Promise<number> {
    const size = await fileSize(this.path);
    // Removed by hand (or by another process sharing the directory): nothing left to deliver, and
    // failing here would stop every later segment from being replayed.
    if (size === undefined) {
      this.options.logger.warn({ segment: this.name }, "audit spool segment vanished before replay");
      return 0;
    }
    const start = await this.options.checkpoints.read(this.name, size);
    this.batchEnd = start;
    for await (const line of readJsonLines(this.path, start, this.options.maxLineBytes)) {
      this.take(line);
      // The reader reads on only after this await, which bounds memory to a batch.
      if (this.batch.length >= this.batchSize || this.rejected.length >= this.batchSize) {
        await this.storeBatch();
      }
    }
    await this.storeBatch();
    return this.records;
  }

  private take(line: SegmentLine): void {
    this.batchEnd = line.end;
    if (line.kind === "complete") this.takeComplete(line.bytes);
    else if (line.kind === "torn") this.takeTorn(line.bytes);
    else this.skipTooLong();
  }

  private takeComplete(line: Buffer): void {
    if (line.length === 0) return;
    const record = this.parse(line);
    if (record === undefined) {
      this.options.counters.rejected += 1;
      this.rejected.push(line);
    } else {
      this.batch.push(record);
    }
  }

  /** The writer died mid-line, but the line may still be whole (cut just before its newline). */
  private takeTorn(line: Buffer): void {
    const record = this.parse(line);
    if (record === undefined) {
      this.options.counters.torn += 1;
      this.options.logger.warn({ segment: this.name }, "audit spool segment ends with a torn line; skipped");
    } else {
      this.batch.push(record);
    }
  }

  private skipTooLong(): void {
    this.options.counters.rejected += 1;
    this.options.logger.warn({ segment: this.name }, "audit spool line exceeds the size limit; skipped");
  }

  private async storeBatch(): Promise<void> {
    if (this.batch.length > 0) {
      await this.store(this.batch);
      this.records += this.batch.length;
      this.options.counters.replayed += this.batch.length;
      this.batch = [];
    }
    await this.moveAsideRejected();
    await this.options.checkpoints.save(this.name, this.batchEnd);
  }

  private async moveAsideRejected(): Promise<void> {
    if (this.rejected.length === 0) return;
    this.options.logger.warn(
      { segment: this.name, lines: this.rejected.length },
      "audit spool lines failed validation; moved aside",
    );
    const text = Buffer.concat(this.rejected.flatMap((line) => [line, NEWLINE]));
    this.rejected = [];
    try {
      await writeFile(join(this.options.dir, rejectedName(this.name)), text, { flag: "a" });
    } catch (error) {
      // They are invalid either way; failing the batch would store its valid records again on
      // every retry without ever moving past them.
      this.options.logger.error(
        { err: error, segment: this.name },
        "audit spool could not keep its invalid lines aside; they are dropped",
      );
    }
  }

  private parse(line: Buffer): T | undefined {
    let json: unknown;
    try {
      json = JSON.parse(line.toString("utf8"));
    } catch {
      return undefined;
    }
    const result = this.options.schema.safeParse(json);
    return result.success ? result.data : undefined;
  }
}
