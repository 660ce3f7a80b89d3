import assert from "node:assert/strict";

/** Assertions for walking a parsed YAML document: each step fails the test with the path it expected. */
export type Doc = Record<string, unknown>;

export function obj(value: unknown, what: string): Doc {
  assert.ok(
    typeof value === "object" && value !== null && !Array.isArray(value),
    `${what} must be an object`,
  );
  return value as Doc;
}

export function list(value: unknown, what: string): unknown[] {
  assert.ok(Array.isArray(value), `${what} must be a list`);
  return value;
}

export function objects(value: unknown, what: string): Doc[] {
  return list(value, what).map((item, i) => obj(item, `${what}[${i}]`));
}
