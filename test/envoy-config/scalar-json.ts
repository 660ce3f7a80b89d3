import { type Context, describe } from "./check-context.ts";
import { checkBounds, checkString, type Rules, sub } from "./pgv-rules.ts";

/** proto3 JSON forms of scalar fields (64-bit integers may be strings), with their PGV rules. */

const INT_RANGES: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const FLOAT_MAX = 3.4028234663852886e38;
const BASE64_RE = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

export function checkScalar(ctx: Context, type: string, value: unknown, at: string, rules?: Rules): void {
  const range = INT_RANGES[type];
  if (range) {
    const parsed = parseInteger(value);
    if (parsed === null) {
      ctx.errors.push(`${at}: expected an integer (${type}), got ${describe(value)}`);
      return;
    }
    if (parsed < range[0] || parsed > range[1]) {
      ctx.errors.push(`${at}: ${parsed} is out of range for ${type}`);
      return;
    }
    const numeric = rules ? sub(rules, type) : undefined;
    if (numeric) checkBounds(ctx, Number(parsed), numeric, at);
    return;
  }
  switch (type) {
    case "double":
    case "float": {
      const parsed = parseFloating(value);
      if (parsed === null) ctx.errors.push(`${at}: expected a number (${type}), got ${describe(value)}`);
      else if (type === "float" && Number.isFinite(parsed) && Math.abs(parsed) > FLOAT_MAX)
        ctx.errors.push(`${at}: ${parsed} is out of range for float`);
      else if (rules && sub(rules, type)) checkBounds(ctx, parsed, sub(rules, type) ?? {}, at);
      return;
    }
    case "bool":
      if (typeof value !== "boolean")
        ctx.errors.push(`${at}: expected true or false, got ${describe(value)}`);
      return;
    case "string":
      if (typeof value !== "string") ctx.errors.push(`${at}: expected a string, got ${describe(value)}`);
      else if (rules && sub(rules, "string")) checkString(ctx, value, sub(rules, "string") ?? {}, at);
      return;
    case "bytes":
      if (typeof value !== "string" || !BASE64_RE.test(value))
        ctx.errors.push(`${at}: expected base64 bytes, got ${describe(value)}`);
      return;
  }
  ctx.errors.push(`${at}: unsupported scalar type ${type}`);
}

function parseInteger(value: unknown): bigint | null {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : null;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
  return null;
}

function parseFloating(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}
