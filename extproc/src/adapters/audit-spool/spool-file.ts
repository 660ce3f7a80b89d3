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
import { mkdir } from "node:fs/promises";
import type { Logger } from "pino";
import type { z } from "zod";
import { JsonLinesSpool } from "./json-lines-spool.ts";

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

export async function openSpoolFile<T>(options: SpoolFileOptions<T>): Promise<SpoolFile<T>> {
  await mkdir(options.dir, { recursive: true });
  const spool = new JsonLinesSpool(options);
  await spool.scan();
  return spool;
}
