/** A parsed JSON object, read member by member where the gateway does not know its whole shape. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An index member (a choice's, a content block's), or the element's position when it has none. */
export function indexOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) ? value : fallback;
}
