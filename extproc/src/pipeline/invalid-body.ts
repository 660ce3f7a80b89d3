import type { z } from "zod";
import { fail, type Result } from "./gateway-errors.ts";

/** A request body that fails its schema: 400, naming the first member at fault. */
export function invalid(error: z.ZodError): Result<never> {
  const issue = error.issues[0];
  const param = issue?.path.join(".") ?? "";
  return fail("invalid_request", `invalid request body: '${param}': ${issue?.message ?? "invalid"}`, {
    param,
  });
}
