import { randomBytes } from "node:crypto";

/** Ids and creation times stamped on responses, in OpenAI's formats. */

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("base64url")}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
