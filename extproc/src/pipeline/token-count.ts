import { z } from "zod";

/**
 * A whole number of tokens in a request body. The message names what is wrong with a value JSON
 * can spell but no number holds (1e400 parses to Infinity), which zod would otherwise report as
 * "expected number, received number".
 */
export function tokenCount() {
  return z.number({ error: "expected a finite number" }).int();
}
