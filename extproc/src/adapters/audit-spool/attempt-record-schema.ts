import { z } from "zod";
import type { AttemptRecord } from "../../pipeline/attempt-record.ts";

/** What a spooled attempt line must look like to be replayed: the spool is data from disk, not trusted. */
export const attemptRecordSchema = z.object({
  time_ms: z.number(),
  request_id: z.string(),
  attempt: z.number(),
  provider: z.string(),
  model: z.string(),
  api: z.string(),
  status: z.number(),
  outcome: z.enum(["completed", "refused", "aborted", "failed"]),
  error_code: z.string(),
  latency_ms: z.number(),
  ttfb_ms: z.number(),
}) satisfies z.ZodType<AttemptRecord, unknown>;
