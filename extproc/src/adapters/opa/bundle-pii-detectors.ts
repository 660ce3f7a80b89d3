import { z } from "zod";
import { builtinDetectors, compileCustomDetectors } from "../../pipeline/pii/detectors/index.ts";
import type { Detector } from "../../pipeline/pii/detectors/types.ts";

/** Custom patterns and keyword lists as security teams write them in `gateway.pii.custom`. */
const CustomPiiData = z
  .object({
    patterns: z
      .array(
        z.object({
          type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
          pattern: z.string().min(1).max(1000),
          flags: z.string().optional(),
          max_length: z.number().int().positive().max(4096).optional(),
        }),
      )
      .default([]),
    keywords: z
      .array(
        z.object({
          type: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/),
          words: z.array(z.string().min(1).max(256)).max(100_000),
          case_sensitive: z.boolean().optional(),
        }),
      )
      .default([]),
  })
  .default({ patterns: [], keywords: [] });

/** The detectors a bundle asks for (`gateway.pii.custom`); throws (so the bundle is refused) on an invalid custom rule. */
export function bundlePiiDetectors(custom: unknown): readonly Detector[] {
  const parsed = CustomPiiData.safeParse(custom);
  if (!parsed.success) {
    throw new Error(`gateway.pii.custom in the bundle data is invalid: ${parsed.error.issues[0]?.message}`);
  }
  const compiled = compileCustomDetectors(parsed.data);
  if (compiled.errors.length > 0) {
    throw new Error(`gateway.pii.custom has rules the gateway cannot run: ${compiled.errors.join("; ")}`);
  }
  return [...builtinDetectors(), ...compiled.detectors];
}
