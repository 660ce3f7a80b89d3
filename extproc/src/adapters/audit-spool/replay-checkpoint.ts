import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";

/**
 * Replay checkpoints: `<segment>.offset` holds the decimal byte offset of the segment's first line
 * not yet handed to the store. Offsets saved by this process are also kept in memory, so a retry
 * within the process resumes correctly even when the file could not be written.
 */
export class ReplayCheckpoints {
  private readonly offsets = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** Where to resume `segment`; 0 when there is no checkpoint or it does not fit the segment's `size`. */
  async read(segment: string, size: number): Promise<number> {
    const known = this.offsets.get(segment);
    if (known !== undefined) return known;
    try {
      const text = (await readFile(this.path(segment), "utf8")).trim();
      const offset = /^\d+$/.test(text) ? Number(text) : 0;
      return offset <= size ? offset : 0;
    } catch {
      return 0;
    }
  }

  async save(segment: string, offset: number): Promise<void> {
    this.offsets.set(segment, offset);
    try {
      await writeFile(this.path(segment), String(offset));
    } catch (error) {
      // A lost checkpoint only means a crash would repeat this segment's stored batches.
      this.logger.warn({ err: error, segment }, "audit spool could not save replay checkpoint");
    }
  }

  async remove(segment: string): Promise<void> {
    this.offsets.delete(segment);
    await rm(this.path(segment), { force: true });
  }

  private path(segment: string): string {
    return join(this.dir, `${segment}.offset`);
  }
}
