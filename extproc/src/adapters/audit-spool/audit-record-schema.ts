import { z } from "zod";
import type { AuditRecord } from "../../pipeline/audit-record.ts";

/** What a spooled line must look like to be replayed: the spool is data from disk, not trusted. */
export const auditRecordSchema = z.object({
  event_id: z.string(),
  request_id: z.string(),
  time_ms: z.number(),
  key_id: z.string(),
  user: z.string(),
  team: z.string(),
  api: z.string(),
  method: z.string(),
  path: z.string(),
  requested_model: z.string(),
  provider: z.string(),
  routed_model: z.string(),
  decision: z.enum(["allow", "deny", "error"]),
  outcome: z.enum(["completed", "denied", "aborted", "failed"]),
  reason_codes: z.array(z.string()),
  status: z.number(),
  policy_revision: z.string(),
  prompt_sha256: z.string(),
  stream: z.boolean(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  latency_ms: z.number(),
  tags: z.array(z.string()),
  // Added after the first release: rows spooled by an older gateway replay with empty values.
  pii_types: z.array(z.string()).default([]),
  pii_actions: z.array(z.string()).default([]),
  pii_directions: z.array(z.string()).default([]),
  pii_counts: z.array(z.number()).default([]),
  prompt: z.string().default(""),
  attempts: z.number().default(0),
}) satisfies z.ZodType<AuditRecord, unknown>;
