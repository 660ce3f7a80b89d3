import type { Logger } from "pino";
import type { z } from "zod";
import { openSpoolFile } from "./spool-file.ts";

export interface SpoolSink<T> {
  write(record: T): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An audit sink (request rows or attempt rows) when no ClickHouse is configured: every row goes
 * to the durable spool, which a gateway started later with ClickHouse configured on the same
 * spool directory replays.
 */
export async function createSpoolSink<T>(
  spoolDir: string,
  schema: z.ZodType<T>,
  logger: Logger,
): Promise<SpoolSink<T>> {
  const spool = await openSpoolFile<T>({ dir: spoolDir, schema, logger });
  return {
    write: (record) => spool.append(record),
    flush: () => spool.flush(),
    close: () => spool.close(),
  };
}
