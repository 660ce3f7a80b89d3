import type { HeaderEntry } from "../protocol/http-exchange.ts";
import type { InspectedBody } from "./inspect-request-body.ts";
import { applyTextEdits, type TextEdit } from "./json-string-values.ts";
import type { PolicyDecision } from "./policy-decision.ts";
import type { ApiKind } from "./policy-input.ts";
import { API_HEADER, TARGET_MODEL_HEADER, TARGETS_HEADER } from "./provider-attempt.ts";

/** Envoy's route table matches this header (see envoy/envoy.yaml); Envoy removes it before forwarding. */
export const ROUTE_HEADER = "x-gateway-route";
/**
 * `stream` when the caller asked for a streamed answer; Envoy's route table matches it too (and
 * removes it). A streamed answer's first byte reaches Envoy's router at once, a whole answer's only
 * when it is complete (the translate filter buffers it), so only streams get a per-try timeout
 * that fails over on a slow first byte (see envoy/envoy.yaml).
 */
export const ANSWER_HEADER = "x-gateway-answer";

export interface UpstreamChanges {
  readonly set: readonly HeaderEntry[];
  readonly remove: readonly string[];
  readonly body: Buffer | undefined;
}

/**
 * How an allowed request leaves the gateway's decision filter: routed to the chosen provider, with
 * PII replaced as the policy said, uncompressed when it arrived compressed (so what was inspected is what is sent),
 * and with a content-length that matches the body Envoy will forward.
 */
export function upstreamChanges(
  decision: PolicyDecision,
  api: ApiKind,
  body: InspectedBody,
  redactionEdits: readonly TextEdit[],
): UpstreamChanges {
  const route = decision.route;
  const set: HeaderEntry[] = [];
  const remove: string[] = [];
  if (route) set.push({ name: ROUTE_HEADER, value: route.provider });
  if (route && body.llm?.stream === true) set.push({ name: ANSWER_HEADER, value: "stream" });
  for (const [name, value] of Object.entries(decision.headers)) set.push({ name, value });

  // The provider's model name is applied per attempt by the provider's translate filter, which
  // knows which provider the attempt goes to; here it only travels as a header.
  if (route) {
    // Without accept-encoding a provider may pick any encoding (RFC 9110 12.5.3); the gateway reads
    // the answer, so it asks for it plain.
    set.push({ name: "accept-encoding", value: "identity" });
    set.push({ name: TARGET_MODEL_HEADER, value: route.model });
    set.push({ name: API_HEADER, value: api });
    if (route.targets)
      set.push({ name: TARGETS_HEADER, value: new URLSearchParams(route.targets).toString() });
  }
  let newBody: Buffer | undefined;
  if (body.json && redactionEdits.length > 0) {
    newBody = Buffer.from(applyTextEdits(body.json.text, redactionEdits), "utf8");
  }
  if (body.wasEncoded) {
    newBody ??= body.decoded;
    remove.push("content-encoding");
  }
  if (newBody) set.push({ name: "content-length", value: String(newBody.length) });
  return { set, remove, body: newBody };
}

/**
 * Headers the caller must not be able to set or leak: the gateway's own namespace (identity and
 * routing are the gateway's word, never the app's), the gateway API key in every header identify-caller.ts
 * reads it from (it never reaches a provider), and the caller's accept-encoding (a routed request
 * asks for identity instead, so answers come back readable for inspection).
 */
export function callerHeadersToStrip(headers: readonly HeaderEntry[]): string[] {
  const names = new Set<string>(["authorization", "x-api-key", "x-goog-api-key", "accept-encoding"]);
  for (const header of headers) {
    if (header.name.startsWith("x-gateway-")) names.add(header.name);
  }
  return [...names];
}
