/** Loose readers for YAML-decoded Envoy config: a missing or mistyped field falls back to Envoy's default. */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
/** Plain booleans and google.protobuf.BoolValue ({ value: true }). */
export function bool(value: unknown, fallback: boolean): boolean {
  if (typeof value === "boolean") return value;
  if (isObj(value) && typeof value.value === "boolean") return value.value;
  return fallback;
}
/** Numbers, numeric strings (int64 in proto JSON) and wrapper messages ({ value: 3 }). */
export function num(value: unknown, fallback: number): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  if (isObj(value)) return num(value.value, fallback);
  return fallback;
}

/** Parses a protobuf Duration as written in YAML ("5s", "0.25s", or {seconds, nanos}). */
export function durationToMs(value: unknown, fallback: number): number {
  if (typeof value === "string") {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
    return match?.[1] === undefined ? fallback : Math.round(Number(match[1]) * 1000);
  }
  if (isObj(value)) return num(value.seconds, 0) * 1000 + Math.round(num(value.nanos, 0) / 1e6);
  return fallback;
}

/** The message name of a typed_config, without the type.googleapis.com/ prefix. */
export function typeName(typedConfig: Obj): string {
  return (str(typedConfig["@type"]) ?? "").replace(/^type\.googleapis\.com\//, "");
}

export function lowerList(value: unknown): string[] {
  return list(value)
    .map(str)
    .filter((s): s is string => s !== undefined)
    .map((s) => s.toLowerCase());
}
