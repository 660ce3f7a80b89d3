import type protobuf from "protobufjs";
import { type Context, describe } from "./check-context.ts";
import { checkMembership, type Rules, sub } from "./pgv-rules.ts";

/** Enum values by name or number, plus Envoy's deprecated / disallowed-by-default value annotations. */
export function checkEnum(
  ctx: Context,
  type: protobuf.Enum,
  value: unknown,
  at: string,
  rules?: Rules,
): void {
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
