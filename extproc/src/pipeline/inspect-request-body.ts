import { type ApiClassification, apiHasModelBody } from "./classify-api.ts";
import { fail, ok, type Result } from "./gateway-errors.ts";
import { summarizeLlmRequest } from "./llm-request.ts";
import type { Detector } from "./pii/detectors/types.ts";
import { type RequestPiiScan, scanRequestPii } from "./pii/request-pii.ts";
import type { LlmRequestSummary } from "./policy-input.ts";
import { decodeBody, decodeUtf8, isJsonContentType } from "./request-body.ts";
import type { RequestHead } from "./request-head.ts";
import { type ParsedJsonBody, parseStrictJson } from "./strict-json.ts";

export interface InspectedBody {
  /** The body as the provider reads it: content-encoding undone. */
  readonly decoded: Buffer;
  /** True when `decoded` differs from what the caller sent (it was compressed). */
  readonly wasEncoded: boolean;
  readonly json: ParsedJsonBody | undefined;
  readonly llm: LlmRequestSummary | null;
  /** PII and secrets in the fields a model reads; undefined for bodies that are not model requests. */
  readonly pii: RequestPiiScan | undefined;
}

/** Turns the raw request body into what the policy and the rewrite need, or a refusal. */
export function inspectRequestBody(
  head: RequestHead,
  { api, pathModel }: ApiClassification,
  raw: Buffer,
  maxBodyBytes: number,
  detectors: readonly Detector[],
): Result<InspectedBody> {
  if (!apiHasModelBody(api)) {
    return ok({ decoded: raw, wasEncoded: false, json: undefined, llm: null, pii: undefined });
  }
  if (!isJsonContentType(head.contentType)) {
    return fail("unsupported_content_type", "request body must be sent as 'content-type: application/json'");
  }
  const decoded = decodeBody(raw, head.contentEncoding, maxBodyBytes);
  if (!decoded.ok) return decoded;
  const text = decodeUtf8(decoded.value);
  if (!text.ok) return text;
  const json = parseStrictJson(text.value);
  if (!json.ok) return json;
  const llm = summarizeLlmRequest(api, json.value.value, pathModel);
  if (!llm.ok) return llm;
  return ok({
    decoded: decoded.value,
    wasEncoded: decoded.value !== raw,
    json: json.value,
    llm: llm.value,
    pii: scanRequestPii(api, json.value.text, json.value.value, detectors),
  });
}
