import type protobuf from "protobufjs";

/** State shared by every check in one walk: findings so far and how Any types are resolved. */
export interface Context {
  errors: string[];
  warnings: string[];
  resolveType: (fullName: string) => protobuf.Type | null;
}

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
