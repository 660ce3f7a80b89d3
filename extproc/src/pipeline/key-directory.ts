import { createHash } from "node:crypto";
import { z } from "zod";
import { fail, ok, type Result } from "./gateway-errors.ts";
import { Principal } from "./policy-input.ts";

/**
 * API keys as the bundle's data holds them: `gateway.keys` maps the lowercase hex SHA-256 of a key
 * to its principal. Keys are never stored in clear anywhere.
 */
const KeyDirectoryData = z.record(
  z.string().regex(/^[0-9a-f]{64}$/, "key hashes are lowercase hex SHA-256"),
  Principal,
);

export type KeyDirectory = ReadonlyMap<string, Principal>;

export function buildKeyDirectory(data: unknown): Result<KeyDirectory> {
  const parsed = KeyDirectoryData.safeParse(data ?? {});
  if (!parsed.success)
    return fail("policy_error", `gateway.keys in the bundle data is invalid: ${parsed.error.message}`);
  return ok(new Map(Object.entries(parsed.data)));
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}
