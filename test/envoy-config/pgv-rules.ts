import type protobuf from "protobufjs";
import { type Context, isObject } from "./check-context.ts";

/** protoc-gen-validate (`(validate.rules)`) options: reading them off a field, and the shared checks. */

export type Rules = { [key: string]: unknown };

const HEADER_NAME_RE = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;

export function rulesOf(item: protobuf.ReflectionObject): Rules {
  const merged: Rules = {};
  // protobufjs keeps one entry per option statement; a field may split its rules over several.
  const entries: unknown = item.parsedOptions;
  if (!Array.isArray(entries)) return merged;
  for (const entry of entries) {
    const rules = isObject(entry) ? entry["(validate.rules)"] : undefined;
    if (isObject(rules)) deepMerge(merged, rules);
  }
  return merged;
}

function deepMerge(target: Rules, source: Rules): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isObject(existing) && isObject(value)) deepMerge(existing, value);
    else target[key] = value;
  }
}

export function sub(rules: Rules, key: string): Rules | undefined {
  const value = rules[key];
  return isObject(value) ? value : undefined;
}

export function toNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

export function checkCount(
  ctx: Context,
  count: number,
  min: unknown,
  max: unknown,
  what: string,
  at: string,
): void {
  if (typeof min === "number" && count < min)
    ctx.errors.push(`${at}: needs at least ${min} ${what}, has ${count}`);
  if (typeof max === "number" && count > max)
    ctx.errors.push(`${at}: allows at most ${max} ${what}, has ${count}`);
}

export function checkMembership(
  ctx: Context,
  value: number | bigint | string,
  rules: Rules,
  at: string,
): void {
  const same = (candidate: unknown): boolean =>
    typeof value === "string"
      ? candidate === value
      : candidate !== undefined && toNumber(candidate) === Number(value);
  if (Array.isArray(rules.in) && !rules.in.some(same))
    ctx.errors.push(`${at}: must be one of ${JSON.stringify(rules.in)}`);
  if (Array.isArray(rules.not_in) && rules.not_in.some(same))
    ctx.errors.push(`${at}: must not be one of ${JSON.stringify(rules.not_in)}`);
}

export function checkBounds(ctx: Context, value: number, rules: Rules, at: string): void {
  const bound = (key: string): number | undefined =>
    rules[key] === undefined ? undefined : toNumber(rules[key]);
  const [konst, lt, lte, gt, gte] = ["const", "lt", "lte", "gt", "gte"].map(bound);
  if (konst !== undefined && value !== konst) ctx.errors.push(`${at}: must equal ${konst}, got ${value}`);
  if (lt !== undefined && !(value < lt)) ctx.errors.push(`${at}: must be < ${lt}, got ${value}`);
  if (lte !== undefined && !(value <= lte)) ctx.errors.push(`${at}: must be <= ${lte}, got ${value}`);
  if (gt !== undefined && !(value > gt)) ctx.errors.push(`${at}: must be > ${gt}, got ${value}`);
  if (gte !== undefined && !(value >= gte)) ctx.errors.push(`${at}: must be >= ${gte}, got ${value}`);
  checkMembership(ctx, value, rules, at);
}

/** PGV's header value rule: strict forbids control characters except tab; loose only NUL, CR, LF. */
function headerCharsOk(value: string, strict: boolean): boolean {
  for (const char of value) {
    const code = char.charCodeAt(0);
    const bad = strict
      ? (code < 0x20 && code !== 0x09) || code === 0x7f
      : code === 0 || code === 0x0a || code === 0x0d;
    if (bad) return false;
  }
  return true;
}

export function checkString(ctx: Context, value: string, rules: Rules, at: string): void {
  if (rules.ignore_empty === true && value === "") return;
  const chars = [...value].length;
  const bytes = Buffer.byteLength(value, "utf8");
  const limit = (
    key: string,
    actual: number,
    ok: (actual: number, bound: number) => boolean,
    text: string,
  ) => {
    const bound = rules[key];
    if (typeof bound === "number" && !ok(actual, bound))
      ctx.errors.push(`${at}: ${text} ${bound}, got ${actual}`);
  };
  limit("min_len", chars, (a, b) => a >= b, "needs at least this many characters:");
  limit("max_len", chars, (a, b) => a <= b, "allows at most this many characters:");
  limit("len", chars, (a, b) => a === b, "needs exactly this many characters:");
  limit("min_bytes", bytes, (a, b) => a >= b, "needs at least this many bytes:");
  limit("max_bytes", bytes, (a, b) => a <= b, "allows at most this many bytes:");
  if (typeof rules.prefix === "string" && !value.startsWith(rules.prefix))
    ctx.errors.push(`${at}: must start with ${JSON.stringify(rules.prefix)}`);
  if (typeof rules.suffix === "string" && !value.endsWith(rules.suffix))
    ctx.errors.push(`${at}: must end with ${JSON.stringify(rules.suffix)}`);
  if (typeof rules.contains === "string" && !value.includes(rules.contains))
    ctx.errors.push(`${at}: must contain ${JSON.stringify(rules.contains)}`);
  checkMembership(ctx, value, rules, at);
  const strict = rules.strict !== false;
  if (
    rules.well_known_regex === "HTTP_HEADER_NAME" &&
    !(strict ? HEADER_NAME_RE.test(value) : headerCharsOk(value, false))
  )
    ctx.errors.push(`${at}: ${JSON.stringify(value)} is not a valid HTTP header name`);
  if (rules.well_known_regex === "HTTP_HEADER_VALUE" && !headerCharsOk(value, strict))
    ctx.errors.push(`${at}: not a valid HTTP header value`);
}
