import type protobuf from "protobufjs";
import type { Context } from "./check-context.ts";
import { checkMessageValue } from "./message-walker.ts";
import { lookupType } from "./proto-library.ts";

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
 *
 * The checks live beside this file: message-walker.ts (fields, oneofs, maps, Any), scalar-json.ts,
 * enum-json.ts, well-known-json.ts, pgv-rules.ts; proto-library.ts loads the protos.
 */

export { declaredMessages, openProtoLibrary, type ProtoLibrary } from "./proto-library.ts";

export interface CheckResult {
  errors: string[];
  /** Accepted by Envoy but worth a look: deprecated fields and enum values, work in progress. */
  warnings: string[];
}

export interface CheckOptions {
  /** Finds the message type named by an Any's @type; defaults to looking it up in the root. */
  resolveType?: (fullName: string) => protobuf.Type | null;
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
