import type { ApiKind, LlmRequestSummary, PiiSummary, PolicyInput, Principal } from "./policy-input.ts";
import { POLICY_INPUT_VERSION } from "./policy-input.ts";
import type { RequestHead } from "./request-head.ts";

export interface PolicyInputParts {
  readonly head: RequestHead;
  readonly api: ApiKind;
  readonly principal: Principal;
  readonly llm: LlmRequestSummary | null;
  readonly pii: PiiSummary;
  readonly bodyBytes: number;
  readonly timeMs: number;
}

export function buildPolicyInput(parts: PolicyInputParts): PolicyInput {
  return {
    version: POLICY_INPUT_VERSION,
    request: {
      id: parts.head.requestId,
      method: parts.head.method,
      path: parts.head.path,
      query: parts.head.query,
      api: parts.api,
      content_type: parts.head.contentType,
      body_bytes: parts.bodyBytes,
      time_ms: parts.timeMs,
    },
    principal: parts.principal,
    llm: parts.llm,
    pii: parts.pii,
  };
}
