import type { HeaderMap__Output } from "../../../proto/generated/envoy/config/core/v3/HeaderMap.ts";
import type { HeaderValueOption } from "../../../proto/generated/envoy/config/core/v3/HeaderValueOption.ts";
import type { HeaderMutation } from "../../../proto/generated/envoy/service/ext_proc/v3/HeaderMutation.ts";
import type { ProcessingResponse } from "../../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import type { StatusCode } from "../../../proto/generated/envoy/type/v3/StatusCode.ts";
import type { ContinueAction, HeaderChanges, HeaderList, RespondAction } from "./http-exchange.ts";

/** Maps between Envoy's ext_proc messages and the plain exchange types. */

export type Phase = "request_headers" | "request_body" | "response_headers" | "response_body";

export function readHeaderMap(map: HeaderMap__Output | null): HeaderList {
  if (!map) return [];
  return map.headers.map((header) => ({
    name: header.key.toLowerCase(),
    // Envoy sends values in raw_value; `value` is only for old Envoys without the raw flag.
    value: header.raw_value.length > 0 ? header.raw_value.toString("latin1") : header.value,
  }));
}

function headerMutation(changes: HeaderChanges | undefined): HeaderMutation | undefined {
  if (!changes) return undefined;
  const set: HeaderValueOption[] = (changes.set ?? []).map((header) => ({
    // Only raw_value: Envoy rejects a header that carries both value and raw_value.
    header: { key: header.name, raw_value: Buffer.from(header.value, "latin1") },
    append: { value: false },
  }));
  return { remove_headers: [...(changes.remove ?? [])], set_headers: set };
}

export function continueResponse(phase: Phase, action: ContinueAction): ProcessingResponse {
  const common = {
    status: "CONTINUE" as const,
    header_mutation: headerMutation(action.headers),
    body_mutation: action.body !== undefined ? { body: action.body } : undefined,
    clear_route_cache: action.clearRouteCache === true,
  };
  const response: ProcessingResponse = { [phase]: { response: common } };
  if (phase === "response_headers" && action.responseBodyMode !== undefined) {
    // Envoy takes both body modes from an override (unset means NONE), so name both.
    response.mode_override = {
      request_body_mode: "NONE",
      response_body_mode: action.responseBodyMode === "streamed" ? "STREAMED" : "BUFFERED",
    };
  }
  return response;
}

export function immediateResponse(action: RespondAction): ProcessingResponse {
  return {
    immediate_response: {
      status: { code: action.status as StatusCode },
      headers: headerMutation({ set: action.headers }),
      body: action.body,
      details: action.details,
    },
  };
}
