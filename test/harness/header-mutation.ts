import type { HeaderMutation__Output } from "../../proto/generated/envoy/service/ext_proc/v3/HeaderMutation.ts";
import type { HeaderMap } from "./header-map.ts";

// Envoy's HTTP connection manager defaults (max_request_headers_kb, headers_with_underscores aside).
const MAX_HEADERS_COUNT = 100;
const MAX_HEADERS_KB = 60;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ROUTING_HEADERS = new Set(["host", ":authority", ":method", ":scheme"]);

export type MutationResult = { ok: true; rejected: number } | { ok: false; message: string };

type Operation = "set" | "append" | "remove";

export interface MutationRules {
  disallowIsError: boolean;
}

/** Envoy's HeaderUtility::headerNameIsValid: an HTTP token, optionally behind one ':'. */
function headerNameIsValid(name: string): boolean {
  return TOKEN.test(name.startsWith(":") ? name.slice(1) : name);
}

/** Envoy's headerValueIsValid: no NUL/CR/LF or other controls except tab; obs-text allowed. */
function headerValueIsValid(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || (c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

/** The default HeaderMutationRules checker (no allow/disallow expressions configured). */
function isAllowed(op: Operation, name: string, value: string): boolean {
  if (op === "remove" && (name.startsWith(":") || name === "host")) return false;
  if (op === "append" && name.startsWith(":")) return false;
  if (ROUTING_HEADERS.has(name)) return false;
  if (name.startsWith("x-envoy")) return false;
  if (name === ":status") {
    const status = Number(value);
    return /^\d+$/.test(value) && status >= 200 && status <= 999;
  }
  return true;
}

function byteSize(map: HeaderMap): number {
  return map.toEntries().reduce((sum, [n, v]) => sum + n.length + v.length, 0);
}

/**
 * Applies a CommonResponse.header_mutation the way Envoy's MutationUtils::applyHeaderMutations
 * does: removals first, then sets in order; only the deprecated `append` is read.
 */
export function applyHeaderMutation(
  mutation: HeaderMutation__Output,
  headers: HeaderMap,
  rules: MutationRules,
  replacingMessage = false,
): MutationResult {
  const removes = mutation.remove_headers ?? [];
  const sets = mutation.set_headers ?? [];
  if (removes.length > MAX_HEADERS_COUNT || sets.length > MAX_HEADERS_COUNT) {
    return { ok: false, message: "Header mutation remove or set header count exceeds the limit" };
  }
  let rejected = 0;
  for (const raw of removes) {
    if (!headerNameIsValid(raw))
      return { ok: false, message: "Invalid character in remove_headers mutation." };
    const name = raw.toLowerCase();
    if (isAllowed("remove", name, "")) {
      headers.remove(name);
    } else {
      rejected++;
      if (rules.disallowIsError) return { ok: false, message: `Invalid attempt to remove ${name}` };
    }
  }
  for (const option of sets) {
    const header = option.header;
    if (header === null || header === undefined) continue;
    const rawValue = header.raw_value ?? Buffer.alloc(0);
    if ((header.value ?? "") !== "" && rawValue.length > 0) {
      return {
        ok: false,
        message: "Only one of value or raw_value in the HeaderValue message should be set.",
      };
    }
    // Envoy reads raw_value only (send_header_raw_value is on), so `value` alone yields "".
    const value = Buffer.from(rawValue).toString("latin1");
    if (!headerNameIsValid(header.key ?? "") || !headerValueIsValid(value)) {
      return { ok: false, message: "Invalid character in set_headers mutation." };
    }
    const name = (header.key ?? "").toLowerCase();
    const append = option.append?.value ?? false;
    const op: Operation = append && headers.has(name) ? "append" : "set";
    const allowed = isAllowed(op, name, value) || (replacingMessage && name === ":method");
    if (!allowed) {
      rejected++;
      if (rules.disallowIsError) return { ok: false, message: `Invalid attempt to modify ${name}` };
      continue;
    }
    if (append) headers.add(name, value);
    else headers.set(name, value);
  }
  if (headers.toEntries().length > MAX_HEADERS_COUNT || byteSize(headers) > MAX_HEADERS_KB * 1024) {
    return {
      ok: false,
      message: "Header mutation causes end result header count or size to exceed the limit",
    };
  }
  return { ok: true, rejected };
}
