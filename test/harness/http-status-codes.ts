import * as protoLoader from "@grpc/proto-loader";
import { PROTO_LOADER_OPTIONS } from "../../proto/envoy-ext-proc.ts";

interface EnumValue {
  name: string;
  number: number;
}

function isEnumValue(value: unknown): value is EnumValue {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string" &&
    typeof (value as { number?: unknown }).number === "number"
  );
}

/**
 * envoy.type.v3.StatusCode reaches us as enum names ("Forbidden") because the loader decodes enums
 * as strings; the numbers come from the same pinned proto rather than a hand-written table.
 */
export function loadStatusCodeNumbers(): Map<string, number> {
  const definition = protoLoader.loadSync("envoy/type/v3/http_status.proto", PROTO_LOADER_OPTIONS);
  const statusEnum = definition["envoy.type.v3.StatusCode"];
  const values: unknown =
    statusEnum && "type" in statusEnum ? (statusEnum.type as { value?: unknown }).value : [];
  const numbers = new Map<string, number>();
  for (const value of Array.isArray(values) ? values : []) {
    if (isEnumValue(value)) numbers.set(value.name, value.number);
  }
  return numbers;
}

export function statusCodeNumber(code: string | number | undefined, numbers: Map<string, number>): number {
  if (typeof code === "number") return code;
  if (code === undefined) return 0;
  return numbers.get(code) ?? (Number.isFinite(Number(code)) ? Number(code) : 0);
}
