import type { Translated } from "../../../pipeline/provider-translation.ts";
import { invalidRequest, translated } from "../translation-result.ts";
import type { GeminiSchema } from "./gemini-request-types.ts";
import { unsupported } from "./translation-failures.ts";

/**
 * JSON Schema (as OpenAI tools and response_format carry it) → Gemini's `Schema`, the OpenAPI 3.0
 * subset documented at https://ai.google.dev/api/caching#Schema. Keywords Gemini knows are copied;
 * `type` is upper-cased and `["x", "null"]` becomes `nullable`; a string `const` becomes a
 * one-value `enum`. Pure annotations and `additionalProperties` are dropped: OpenAI's strict mode
 * puts `additionalProperties: false` on every object, Gemini has no such keyword and rejects the
 * request if it is sent, and leaving it out only loosens a check Gemini never made. Every other
 * keyword ($ref, oneOf, allOf, not, patternProperties, tuple items...) is refused with 422 naming
 * it, because dropping it would let the model produce values the caller's schema forbids.
 */

const COPIED = new Set([
  "format",
  "title",
  "description",
  "nullable",
  "required",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "default",
  "example",
  "propertyOrdering",
]);

const DROPPED = new Set(["$schema", "$id", "$comment", "examples", "additionalProperties"]);

const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

type Out = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function convertType(value: unknown, out: Out, param: string): Translated<null> {
  const names = Array.isArray(value) ? value : [value];
  const nonNull = names.filter((name) => name !== "null");
  if (nonNull.length !== names.length) out.nullable = true;
  const [only] = nonNull;
  if (nonNull.length !== 1 || typeof only !== "string" || !TYPES.has(only)) {
    return unsupported(`JSON schema type ${JSON.stringify(value)}`, param);
  }
  out.type = only.toUpperCase();
  return translated(null);
}

function convertEnum(value: unknown, out: Out, param: string): Translated<null> {
  if (!Array.isArray(value)) return invalidRequest("enum must be an array", param);
  const nonNull = value.filter((v) => v !== null);
  if (nonNull.length !== value.length) out.nullable = true;
  // Gemini enums are lists of strings only.
  if (!nonNull.every((v) => typeof v === "string"))
    return unsupported("a non-string JSON schema enum", param);
  out.enum = nonNull;
  return translated(null);
}

function convertProperties(value: unknown, out: Out, param: string): Translated<null> {
  if (!isRecord(value)) return invalidRequest("properties must be an object", param);
  const properties: Out = {};
  for (const [name, schema] of Object.entries(value)) {
    const converted = jsonSchemaToGemini(schema, `${param}.${name}`);
    if (!converted.ok) return converted;
    properties[name] = converted.value;
  }
  out.properties = properties;
  return translated(null);
}

function convertAnyOf(value: unknown, out: Out, param: string): Translated<null> {
  if (!Array.isArray(value)) return invalidRequest("anyOf must be an array", param);
  const branches: GeminiSchema[] = [];
  for (const [i, schema] of value.entries()) {
    const converted = jsonSchemaToGemini(schema, `${param}[${i}]`);
    if (!converted.ok) return converted;
    branches.push(converted.value);
  }
  out.anyOf = branches;
  return translated(null);
}

function convertKeyword(key: string, value: unknown, out: Out, param: string): Translated<null> {
  const at = `${param}.${key}`;
  if (COPIED.has(key)) {
    out[key] = value;
    return translated(null);
  }
  if (DROPPED.has(key)) {
    // A schema-valued additionalProperties describes a map, which Gemini cannot express.
    if (key === "additionalProperties" && isRecord(value))
      return unsupported("a schema-valued additionalProperties", at);
    return translated(null);
  }
  switch (key) {
    case "type":
      return convertType(value, out, at);
    case "enum":
      return convertEnum(value, out, at);
    case "const":
      return typeof value === "string"
        ? convertEnum([value], out, at)
        : unsupported("a non-string JSON schema const", at);
    case "properties":
      return convertProperties(value, out, at);
    case "anyOf":
      return convertAnyOf(value, out, at);
    case "items": {
      if (!isRecord(value)) return unsupported("tuple-form JSON schema items", at);
      const items = jsonSchemaToGemini(value, at);
      if (items.ok) out.items = items.value;
      return items.ok ? translated(null) : items;
    }
    default:
      return unsupported(`JSON schema keyword '${key}'`, at);
  }
}

/** `param` names where the schema sits in the caller's request, for the error's `param`. */
export function jsonSchemaToGemini(schema: unknown, param: string): Translated<GeminiSchema> {
  if (!isRecord(schema)) return invalidRequest("a JSON schema must be an object", param);
  const out: Out = {};
  for (const [key, value] of Object.entries(schema)) {
    const converted = convertKeyword(key, value, out, param);
    if (!converted.ok) return converted;
  }
  return translated(out);
}
