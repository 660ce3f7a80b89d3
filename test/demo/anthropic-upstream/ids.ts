import { randomBytes } from "node:crypto";

/** Ids in Anthropic's formats (`msg_01…`, `toolu_01…`, `req_01…`): a prefix and base62-like characters. */
export function anthropicId(prefix: "msg" | "toolu" | "req"): string {
  const tail = randomBytes(18).toString("base64url").replace(/[-_]/g, "x");
  return `${prefix}_01${tail}`;
}
