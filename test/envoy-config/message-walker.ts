import protobuf from "protobufjs";
import { type Context, describe, isObject, type JsonObject } from "./check-context.ts";
import { checkEnum } from "./enum-json.ts";
import { checkCount, checkMembership, type Rules, rulesOf, sub } from "./pgv-rules.ts";
import { checkScalar } from "./scalar-json.ts";
import { checkWellKnown, SPECIAL_JSON, WRAPPERS } from "./well-known-json.ts";

/**
 * Walks a JSON value against a message type: unknown and duplicate fields, required fields and
 * oneofs, repeated and map fields, Envoy's field annotations, and Any payloads by their @type.
 */

const TYPE_URL_PREFIX = "type.googleapis.com/";

/** protoc's json_name: underscores dropped, the letter after each one upper-cased. */
function jsonNameOf(field: protobuf.Field): string {
  const explicit = field.options?.json_name;
  if (typeof explicit === "string") return explicit;
  return field.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/_/g, "");
}

export function checkMessageValue(
  ctx: Context,
  type: protobuf.Type,
  value: unknown,
  at: string,
  rules?: Rules,
): void {
  const name = type.fullName;
  if (name === ".google.protobuf.Any") {
    checkAny(ctx, value, at, rules);
    return;
  }
  if (checkWellKnown(ctx, name, value, at, rules)) return;
  if (!isObject(value)) {
    ctx.errors.push(`${at}: expected an object (${name.slice(1)}), got ${describe(value)}`);
    return;
  }
  checkFields(ctx, type, value, at);
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
