import { type Context, describe, isObject } from "./check-context.ts";
import { type Rules, sub, toNumber } from "./pgv-rules.ts";
import { checkScalar } from "./scalar-json.ts";

/**
 * google.protobuf well-known types in their special JSON forms. Any is checked by the message
 * walker instead, because its payload is a message.
 */

/** Well-known types whose JSON form is not an object of fields; inside an Any it sits under "value". */
export const SPECIAL_JSON = new Set([
  ".google.protobuf.Any",
  ".google.protobuf.Duration",
  ".google.protobuf.Timestamp",
  ".google.protobuf.Struct",
  ".google.protobuf.Value",
  ".google.protobuf.ListValue",
  ".google.protobuf.FieldMask",
]);
export const WRAPPERS: Record<string, string> = {
  ".google.protobuf.DoubleValue": "double",
  ".google.protobuf.FloatValue": "float",
  ".google.protobuf.Int64Value": "int64",
  ".google.protobuf.UInt64Value": "uint64",
  ".google.protobuf.Int32Value": "int32",
  ".google.protobuf.UInt32Value": "uint32",
  ".google.protobuf.BoolValue": "bool",
  ".google.protobuf.StringValue": "string",
  ".google.protobuf.BytesValue": "bytes",
};
const DURATION_RE = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const MAX_DURATION_SECONDS = 315_576_000_000n;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Checks a well-known type other than Any; false when `fullName` is not one, so the caller walks it. */
export function checkWellKnown(
  ctx: Context,
  fullName: string,
  value: unknown,
  at: string,
  rules?: Rules,
): boolean {
  const wrapped = WRAPPERS[fullName];
  if (wrapped) {
    checkScalar(ctx, wrapped, value, at, rules);
    return true;
  }
  switch (fullName) {
    case ".google.protobuf.Duration":
      checkDuration(ctx, value, at, rules);
      return true;
    case ".google.protobuf.Timestamp":
      if (typeof value !== "string" || !TIMESTAMP_RE.test(value) || Number.isNaN(Date.parse(value)))
        ctx.errors.push(`${at}: expected an RFC 3339 timestamp, got ${describe(value)}`);
      return true;
    case ".google.protobuf.Struct":
      if (!isObject(value)) ctx.errors.push(`${at}: expected an object (Struct), got ${describe(value)}`);
      else checkJson(ctx, value, at);
      return true;
    case ".google.protobuf.ListValue":
      if (!Array.isArray(value))
        ctx.errors.push(`${at}: expected an array (ListValue), got ${describe(value)}`);
      else checkJson(ctx, value, at);
      return true;
    case ".google.protobuf.Value":
      checkJson(ctx, value, at);
      return true;
    case ".google.protobuf.Empty":
      if (!isObject(value) || Object.keys(value).length > 0)
        ctx.errors.push(`${at}: expected {} (Empty), got ${describe(value)}`);
      return true;
    case ".google.protobuf.FieldMask":
      if (typeof value !== "string" || !/^([a-zA-Z0-9.]+(,[a-zA-Z0-9.]+)*)?$/.test(value))
        ctx.errors.push(`${at}: expected a comma-separated field mask string, got ${describe(value)}`);
      return true;
  }
  return false;
}

/** A value that protobuf's Struct/Value can hold: plain JSON, finite numbers only. */
function checkJson(ctx: Context, value: unknown, at: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) ctx.errors.push(`${at}: a Value cannot hold ${value}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      checkJson(ctx, item, `${at}[${i}]`);
    });
    return;
  }
  if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJson(ctx, item, `${at}.${key}`);
    return;
  }
  ctx.errors.push(`${at}: not JSON: ${describe(value)}`);
}

function durationNanos(seconds: unknown, nanos: unknown): bigint {
  return BigInt(toNumber(seconds ?? 0)) * 1_000_000_000n + BigInt(toNumber(nanos ?? 0));
}

function checkDuration(ctx: Context, value: unknown, at: string, rules?: Rules): void {
  const match = typeof value === "string" ? DURATION_RE.exec(value) : null;
  if (!match) {
    ctx.errors.push(`${at}: expected a duration like "1.5s", got ${describe(value)}`);
    return;
  }
  const seconds = BigInt(match[2] ?? "0");
  if (seconds > MAX_DURATION_SECONDS) {
    ctx.errors.push(`${at}: duration ${String(value)} is out of range`);
    return;
  }
  const nanos = BigInt((match[3] ?? "").padEnd(9, "0"));
  const total = (seconds * 1_000_000_000n + nanos) * (match[1] ? -1n : 1n);
  const durationRules = rules ? sub(rules, "duration") : undefined;
  if (!durationRules) return;
  const compare = (key: string, ok: (bound: bigint) => boolean, text: string) => {
    const bound = sub(durationRules, key);
    if (bound && !ok(durationNanos(bound.seconds, bound.nanos)))
      ctx.errors.push(
        `${at}: duration must be ${text} ${String(bound.seconds ?? 0)}s (+${String(bound.nanos ?? 0)}ns)`,
      );
  };
  compare("lt", (b) => total < b, "<");
  compare("lte", (b) => total <= b, "<=");
  compare("gt", (b) => total > b, ">");
  compare("gte", (b) => total >= b, ">=");
}
