import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import protobuf from "protobufjs";

/**
 * Strict proto3 JSON checking, the way Envoy loads a config file: YAML becomes JSON, JSON becomes a
 * proto with unknown fields rejected, then protoc-gen-validate rules run. A document that passes here
 * decodes in Envoy against the same API protos. Errors name a JSON path ("$.a.b[0]").
 *
 * Covered protoc-gen-validate rules: message.required, oneof (validate.required); string
 * min_len/max_len/min_bytes/max_bytes/len/prefix/suffix/contains/in/not_in/well_known_regex (HTTP
 * header name/value); numeric const/lt/lte/gt/gte/in/not_in (also on wrapper types); enum
 * defined_only/in/not_in; duration required/lt/lte/gt/gte; repeated min_items/max_items/items;
 * map min_pairs/max_pairs/keys/values; any required. Not covered: pattern (RE2), timestamp rules,
 * exclusive ranges (gt > lt), email/hostname/ip formats.
 */

export interface CheckResult {
  errors: string[];
  /** Accepted by Envoy but worth a look: deprecated fields and enum values, work in progress. */
  warnings: string[];
}

export interface CheckOptions {
  /** Finds the message type named by an Any's @type; defaults to looking it up in the root. */
  resolveType?: (fullName: string) => protobuf.Type | null;
}

type JsonObject = { [key: string]: unknown };
type Rules = { [key: string]: unknown };

interface Context {
  errors: string[];
  warnings: string[];
  resolveType: (fullName: string) => protobuf.Type | null;
}

const TYPE_URL_PREFIX = "type.googleapis.com/";
/** Well-known types whose JSON form is not an object of fields; inside an Any it sits under "value". */
const SPECIAL_JSON = new Set([
  ".google.protobuf.Any",
  ".google.protobuf.Duration",
  ".google.protobuf.Timestamp",
  ".google.protobuf.Struct",
  ".google.protobuf.Value",
  ".google.protobuf.ListValue",
  ".google.protobuf.FieldMask",
]);
const WRAPPERS: Record<string, string> = {
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
const DURATION_RE = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;
const MAX_DURATION_SECONDS = 315_576_000_000n;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;
const HEADER_NAME_RE = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;

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

export function validateMessage(
  root: protobuf.Root,
  typeName: string,
  value: unknown,
  options: CheckOptions = {},
): string[] {
  return checkMessage(root, typeName, value, options).errors;
}

export function checkMessage(
  root: protobuf.Root,
  typeName: string,
  value: unknown,
  options: CheckOptions = {},
): CheckResult {
  const ctx: Context = {
    errors: [],
    warnings: [],
    resolveType: options.resolveType ?? ((name) => lookupType(root, name)),
  };
  const type = ctx.resolveType(typeName);
  if (!type) return { errors: [`$: unknown message type ${typeName}`], warnings: [] };
  checkMessageValue(ctx, type, value, "$");
  return { errors: ctx.errors, warnings: ctx.warnings };
}

function lookupType(root: protobuf.Root, fullName: string): protobuf.Type | null {
  const found = root.lookup(fullName.startsWith(".") ? fullName : `.${fullName}`);
  return found instanceof protobuf.Type ? found : null;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** protoc's json_name: underscores dropped, the letter after each one upper-cased. */
function jsonNameOf(field: protobuf.Field): string {
  const explicit = field.options?.json_name;
  if (typeof explicit === "string") return explicit;
  return field.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/_/g, "");
}

function rulesOf(item: protobuf.ReflectionObject): Rules {
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

function sub(rules: Rules, key: string): Rules | undefined {
  const value = rules[key];
  return isObject(value) ? value : undefined;
}

function checkMessageValue(
  ctx: Context,
  type: protobuf.Type,
  value: unknown,
  at: string,
  rules?: Rules,
): void {
  const name = type.fullName;
  const wrapped = WRAPPERS[name];
  if (wrapped) {
    checkScalar(ctx, wrapped, value, at, rules);
    return;
  }
  switch (name) {
    case ".google.protobuf.Any":
      checkAny(ctx, value, at, rules);
      return;
    case ".google.protobuf.Duration":
      checkDuration(ctx, value, at, rules);
      return;
    case ".google.protobuf.Timestamp":
      if (typeof value !== "string" || !TIMESTAMP_RE.test(value) || Number.isNaN(Date.parse(value)))
        ctx.errors.push(`${at}: expected an RFC 3339 timestamp, got ${describe(value)}`);
      return;
    case ".google.protobuf.Struct":
      if (!isObject(value)) ctx.errors.push(`${at}: expected an object (Struct), got ${describe(value)}`);
      else checkJson(ctx, value, at);
      return;
    case ".google.protobuf.ListValue":
      if (!Array.isArray(value))
        ctx.errors.push(`${at}: expected an array (ListValue), got ${describe(value)}`);
      else checkJson(ctx, value, at);
      return;
    case ".google.protobuf.Value":
      checkJson(ctx, value, at);
      return;
    case ".google.protobuf.Empty":
      if (!isObject(value) || Object.keys(value).length > 0)
        ctx.errors.push(`${at}: expected {} (Empty), got ${describe(value)}`);
      return;
    case ".google.protobuf.FieldMask":
      if (typeof value !== "string" || !/^([a-zA-Z0-9.]+(,[a-zA-Z0-9.]+)*)?$/.test(value))
        ctx.errors.push(`${at}: expected a comma-separated field mask string, got ${describe(value)}`);
      return;
  }
  if (!isObject(value)) {
    ctx.errors.push(`${at}: expected an object (${name.slice(1)}), got ${describe(value)}`);
    return;
  }
  checkFields(ctx, type, value, at);
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

function checkFields(ctx: Context, type: protobuf.Type, value: JsonObject, at: string): void {
  const byName = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    byName.set(field.name, field);
    byName.set(jsonNameOf(field), field);
  }
  const present = new Map<protobuf.Field, unknown>();
  for (const [key, item] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) {
      ctx.errors.push(`${at}: unknown field "${key}" in ${type.fullName.slice(1)}`);
      continue;
    }
    if (present.has(field)) {
      ctx.errors.push(
        `${at}: field "${field.name}" is given twice (as "${field.name}" and "${jsonNameOf(field)}")`,
      );
      continue;
    }
    // In proto3 JSON, null means "not set", except for google.protobuf.Value where it is a value.
    if (item === null && field.resolve().resolvedType?.fullName !== ".google.protobuf.Value") continue;
    present.set(field, item);
    checkField(ctx, field, item, `${at}.${key}`);
  }
  for (const field of type.fieldsArray) {
    // A oneof member's rules apply only when that member is the one chosen.
    if (present.has(field) || field.partOf) continue;
    const rules = rulesOf(field);
    if (["message", "duration", "any", "timestamp"].some((kind) => sub(rules, kind)?.required === true))
      ctx.errors.push(`${at}: required field "${field.name}" is missing`);
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.fieldsArray.filter((member) => present.has(member)).map((member) => member.name);
    if (set.length > 1)
      ctx.errors.push(`${at}: oneof "${oneof.name}" has more than one member set: ${set.join(", ")}`);
    if (set.length === 0 && oneof.options?.["(validate.required)"] === true)
      ctx.errors.push(
        `${at}: oneof "${oneof.name}" requires one of: ${oneof.fieldsArray.map((f) => f.name).join(", ")}`,
      );
  }
}

function checkField(ctx: Context, field: protobuf.Field, value: unknown, at: string): void {
  if (field.options?.deprecated === true) ctx.warnings.push(`${at}: field "${field.name}" is deprecated`);
  if (field.options?.["(envoy.annotations.disallowed_by_default)"] === true)
    ctx.errors.push(`${at}: field "${field.name}" is disallowed by default in Envoy`);
  if (field.options?.["(xds.annotations.v3.field_status).work_in_progress"] === true)
    ctx.warnings.push(`${at}: field "${field.name}" is work in progress`);
  const rules = rulesOf(field);
  if (field instanceof protobuf.MapField) {
    checkMap(ctx, field, value, at, rules);
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) {
      ctx.errors.push(`${at}: expected an array for repeated field "${field.name}", got ${describe(value)}`);
      return;
    }
    const repeated = sub(rules, "repeated") ?? {};
    checkCount(ctx, value.length, repeated.min_items, repeated.max_items, "items", at);
    const items = sub(repeated, "items");
    value.forEach((item, i) => {
      if (item === null) ctx.errors.push(`${at}[${i}]: null is not allowed in a repeated field`);
      else checkSingle(ctx, field, item, `${at}[${i}]`, items);
    });
    return;
  }
  checkSingle(ctx, field, value, at, rules);
}

function checkCount(ctx: Context, count: number, min: unknown, max: unknown, what: string, at: string): void {
  if (typeof min === "number" && count < min)
    ctx.errors.push(`${at}: needs at least ${min} ${what}, has ${count}`);
  if (typeof max === "number" && count > max)
    ctx.errors.push(`${at}: allows at most ${max} ${what}, has ${count}`);
}

function checkMap(ctx: Context, field: protobuf.MapField, value: unknown, at: string, rules: Rules): void {
  if (!isObject(value)) {
    ctx.errors.push(`${at}: expected an object for map field "${field.name}", got ${describe(value)}`);
    return;
  }
  const map = sub(rules, "map") ?? {};
  checkCount(ctx, Object.keys(value).length, map.min_pairs, map.max_pairs, "entries", at);
  for (const [key, item] of Object.entries(value)) {
    checkMapKey(ctx, field.keyType, key, `${at}.${key}`, sub(map, "keys"));
    if (item === null) ctx.errors.push(`${at}.${key}: null is not allowed as a map value`);
    else checkSingle(ctx, field, item, `${at}.${key}`, sub(map, "values"));
  }
}

function checkMapKey(ctx: Context, keyType: string, key: string, at: string, rules: Rules | undefined): void {
  if (keyType === "string") {
    checkScalar(ctx, "string", key, at, rules);
    return;
  }
  if (keyType === "bool") {
    if (key !== "true" && key !== "false") ctx.errors.push(`${at}: map key must be "true" or "false"`);
    return;
  }
  if (!/^-?\d+$/.test(key)) {
    ctx.errors.push(`${at}: map key must be an integer (${keyType})`);
    return;
  }
  checkScalar(ctx, keyType, key, at, rules);
}

function checkSingle(
  ctx: Context,
  field: protobuf.FieldBase,
  value: unknown,
  at: string,
  rules?: Rules,
): void {
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof protobuf.Type) checkMessageValue(ctx, resolved, value, at, rules);
  else if (resolved instanceof protobuf.Enum) checkEnum(ctx, resolved, value, at, rules);
  else checkScalar(ctx, field.type, value, at, rules);
}

function checkEnum(ctx: Context, type: protobuf.Enum, value: unknown, at: string, rules?: Rules): void {
  if (type.fullName === ".google.protobuf.NullValue") {
    if (value !== null && value !== "NULL_VALUE")
      ctx.errors.push(`${at}: expected null, got ${describe(value)}`);
    return;
  }
  let name: string | undefined;
  let number: number | undefined;
  if (typeof value === "string") {
    number = type.values[value];
    if (number === undefined) {
      ctx.errors.push(`${at}: unknown ${type.fullName.slice(1)} value ${JSON.stringify(value)}`);
      return;
    }
    name = value;
  } else if (typeof value === "number" && Number.isInteger(value)) {
    number = value;
    name = type.valuesById[value];
    // Envoy's parser keeps unknown numbers of open enums, but such a number means nothing to Envoy.
    if (name === undefined) ctx.errors.push(`${at}: ${value} is not a ${type.fullName.slice(1)} value`);
  } else {
    ctx.errors.push(`${at}: expected a ${type.fullName.slice(1)} name, got ${describe(value)}`);
    return;
  }
  if (name !== undefined) {
    const valueOptions = type.valuesOptions?.[name];
    if (valueOptions?.deprecated === true) ctx.warnings.push(`${at}: enum value ${name} is deprecated`);
    if (valueOptions?.["(envoy.annotations.disallowed_by_default_enum)"] === true)
      ctx.errors.push(`${at}: enum value ${name} is disallowed by default in Envoy`);
  }
  const enumRules = rules ? sub(rules, "enum") : undefined;
  if (enumRules) checkMembership(ctx, number, enumRules, at);
}

function checkMembership(ctx: Context, value: number | bigint | string, rules: Rules, at: string): void {
  const same = (candidate: unknown): boolean =>
    typeof value === "string"
      ? candidate === value
      : candidate !== undefined && toNumber(candidate) === Number(value);
  if (Array.isArray(rules.in) && !rules.in.some(same))
    ctx.errors.push(`${at}: must be one of ${JSON.stringify(rules.in)}`);
  if (Array.isArray(rules.not_in) && rules.not_in.some(same))
    ctx.errors.push(`${at}: must not be one of ${JSON.stringify(rules.not_in)}`);
}

function toNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(value);
}

function checkScalar(ctx: Context, type: string, value: unknown, at: string, rules?: Rules): void {
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

function checkBounds(ctx: Context, value: number, rules: Rules, at: string): void {
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

function checkString(ctx: Context, value: string, rules: Rules, at: string): void {
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

function checkAny(ctx: Context, value: unknown, at: string, rules?: Rules): void {
  if (!isObject(value)) {
    ctx.errors.push(`${at}: expected an object with "@type" (Any), got ${describe(value)}`);
    return;
  }
  const typeUrl = value["@type"];
  if (typeUrl === undefined) {
    if (Object.keys(value).length > 0) ctx.errors.push(`${at}: Any has fields but no "@type"`);
    return;
  }
  if (typeof typeUrl !== "string" || !typeUrl.startsWith(TYPE_URL_PREFIX)) {
    ctx.errors.push(`${at}: "@type" must be "${TYPE_URL_PREFIX}<type name>", got ${describe(typeUrl)}`);
    return;
  }
  const typeName = typeUrl.slice(TYPE_URL_PREFIX.length);
  const anyRules = rules ? sub(rules, "any") : undefined;
  if (anyRules) checkMembership(ctx, typeUrl, anyRules, at);
  // Envoy no longer accepts the v2 API; its leftover protos would otherwise decode here.
  if (/^envoy\.(?:api\.v2|.*\.v2(?:alpha\d*)?)\./.test(typeName)) {
    ctx.errors.push(`${at}: "@type" ${typeName} is a v2 API type, which Envoy rejects`);
    return;
  }
  const type = ctx.resolveType(typeName);
  if (!type) {
    ctx.errors.push(`${at}: unknown "@type" ${typeName}`);
    return;
  }
  const { "@type": _typeUrl, ...fields } = value;
  if (WRAPPERS[type.fullName] !== undefined || SPECIAL_JSON.has(type.fullName)) {
    const extra = Object.keys(fields).filter((key) => key !== "value");
    if (extra.length > 0)
      ctx.errors.push(`${at}: unknown field(s) ${extra.join(", ")} in Any of ${typeName}`);
    if ("value" in fields) checkMessageValue(ctx, type, fields.value, `${at}.value`);
    return;
  }
  checkFields(ctx, type, fields, at);
}

/**
 * One protobuf Root that loads a message's .proto file on first use. Loading every Envoy proto up
 * front is both slower and brittle: the API snapshot carries v2 leftovers and files whose imports it
 * does not ship, and one failed load poisons the Root. The index maps every message's full name to
 * its file, from a cheap scan of package and message declarations.
 */
export interface ProtoLibrary {
  readonly root: protobuf.Root;
  /** Loads the file (and its imports) that defines a message; null when no file defines it. */
  resolveType(fullName: string): protobuf.Type | null;
  /** Loads a .proto file by its import path, e.g. "envoy/config/bootstrap/v3/bootstrap.proto". */
  load(file: string): void;
}

export function openProtoLibrary(includeDirs: readonly string[]): ProtoLibrary {
  const require = createRequire(import.meta.url);
  // protobufjs ships google/protobuf/descriptor.proto, which the annotation protos import.
  const searchDirs = [...includeDirs, path.dirname(require.resolve("protobufjs/package.json"))];
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of searchDirs) {
      const candidate = path.join(dir, target);
      if (fs.existsSync(candidate)) return candidate;
    }
    return target;
  };
  const index = indexMessages(includeDirs);
  const load = (file: string): void => {
    root.loadSync(file, { keepCase: true });
    root.resolveAll();
  };
  const resolveType = (fullName: string): protobuf.Type | null => {
    const name = fullName.replace(/^\./, "");
    const loaded = lookupType(root, name);
    if (loaded) return loaded;
    const file = index.get(name);
    if (!file) return null;
    load(file);
    return lookupType(root, name);
  };
  return { root, resolveType, load };
}

function indexMessages(includeDirs: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const dir of includeDirs) {
    for (const file of listProtoFiles(dir)) {
      const relative = path.relative(dir, file).split(path.sep).join("/");
      for (const name of declaredMessages(fs.readFileSync(file, "utf8"))) {
        if (!index.has(name)) index.set(name, relative);
      }
    }
  }
  return index;
}

function listProtoFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(".proto"))
    .map((entry) => path.join(dir, entry));
}

/** Full names of every message in a .proto source, nested ones included. */
export function declaredMessages(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/[^\n]*/g, " ")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(code)?.[1];
  const scope: (string | null)[] = pkg ? [pkg] : [];
  const names: string[] = [];
  const tokens = code.matchAll(/\bmessage\s+(\w+)\s*\{|\{|\}/g);
  for (const token of tokens) {
    if (token[0] === "}") scope.pop();
    else if (token[1]) {
      scope.push(token[1]);
      names.push(scope.filter((part): part is string => part !== null).join("."));
    } else scope.push(null);
  }
  return names;
}
