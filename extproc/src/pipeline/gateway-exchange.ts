import { createHash } from "node:crypto";
import type { Logger } from "pino";
import {
  type ExchangeAction,
  type HeaderList,
  headerValue,
  type StreamEndReason,
  type StreamProcessor,
} from "../protocol/http-exchange.ts";
import { AnswerInspection, type AnswerPolicy, type AnswerStep } from "./answer-inspection.ts";
import type { AuditOutcome, AuditSink } from "./audit-record.ts";
import { buildPolicyInput } from "./build-policy-input.ts";
import { callerErrorResponse } from "./caller-error-response.ts";
import { type ApiClassification, classifyApi, errorShapeApi } from "./classify-api.ts";
import { buildAuditRecord, type ExchangeFacts, newExchangeFacts } from "./exchange-facts.ts";
import { errorStatus, type GatewayError } from "./gateway-errors.ts";
import { identifyCaller } from "./identify-caller.ts";
import { type InspectedBody, inspectRequestBody } from "./inspect-request-body.ts";
import { modelListResponse } from "./model-list-response.ts";
import { applyRequestPii, requestPiiCounts } from "./pii/request-pii-decision.ts";
import type { PolicyDecision } from "./policy-decision.ts";
import type { ApiKind } from "./policy-input.ts";
import type { Clock, IdGenerator, PolicySnapshot, PolicySource } from "./ports.ts";
import { ANSWERED_BY_HEADER } from "./provider-attempt.ts";
import { readPolicyDecision } from "./read-policy-decision.ts";
import { type RequestHead, readRequestHead } from "./request-head.ts";
import { callerHeadersToStrip, upstreamChanges } from "./upstream-changes.ts";

export interface GatewayExchangeDeps {
  readonly policies: PolicySource;
  readonly audit: AuditSink;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly maxBodyBytes: number;
  /** Key of the `hash` PII action; undefined makes `hash` redact. */
  readonly piiHmacKey: Buffer | undefined;
  readonly logger: Logger;
}

const CONTINUE: ExchangeAction = { kind: "continue" };
const EMPTY_PII = { findings: [], non_text_parts: 0 };
/** A stored prompt is for reading, not for archiving whole uploads. */
const MAX_STORED_PROMPT_CHARS = 256 * 1024;

/**
 * One HTTP request through the gateway: identify the caller, inspect the body, ask the policy,
 * then either answer in the caller's error shape or route the request on, with PII replaced as
 * the policy says; on the way back, read token usage and treat the answer's PII. Exactly one
 * audit row is written, whatever happens.
 */
export class GatewayExchange implements StreamProcessor {
  private readonly policy: PolicySnapshot;
  private readonly facts: ExchangeFacts;
  private requestChunks: Buffer[] = [];
  private requestBytes = 0;
  private stripped: string[] = [];
  private classification: ApiClassification = { api: "unknown", pathModel: undefined, problem: undefined };
  private errorShape: ApiKind = "unknown";
  private answer: AnswerInspection;
  private audited = false;

  constructor(private readonly deps: GatewayExchangeDeps) {
    // One request is judged by one policy revision, even if a reload lands mid-request.
    this.policy = deps.policies.current();
    this.facts = newExchangeFacts(deps.clock.nowMs(), this.policy.revision);
    this.answer = new AnswerInspection(undefined, deps.maxBodyBytes);
  }

  async onRequestHeaders(headers: HeaderList, endOfStream: boolean): Promise<ExchangeAction> {
    const head = readRequestHead(headers, () => this.deps.ids.newId());
    this.facts.head = head;
    this.classification = classifyApi(head.method, head.path, head.query, headers);
    this.facts.api = this.classification.api;
    this.errorShape = errorShapeApi(this.classification, head.path, headers);
    // A path no provider may read is refused before identity: a key sent as `?key=` instead of in
    // its header is told so, rather than that no key came.
    if (this.classification.problem) return this.refuse(this.classification.problem);
    const caller = identifyCaller(headers, this.policy.keys);
    if (!caller.ok) return this.refuse(caller.error);
    this.facts.principal = caller.value.principal;
    this.stripped = callerHeadersToStrip(headers);
    if (endOfStream) return this.inspectAndDecide(head, Buffer.alloc(0));
    return { kind: "continue", headers: { remove: this.stripped } };
  }

  async onRequestBody(chunk: Buffer, endOfStream: boolean): Promise<ExchangeAction> {
    this.requestBytes += chunk.length;
    if (this.requestBytes > this.deps.maxBodyBytes) {
      return this.refuse({
        code: "body_too_large",
        message: `request body is larger than ${this.deps.maxBodyBytes} bytes`,
      });
    }
    this.requestChunks.push(chunk);
    if (!endOfStream) return CONTINUE;
    const raw = Buffer.concat(this.requestChunks);
    this.requestChunks = [];
    const head = this.facts.head;
    if (!head) throw new Error("request body before request headers");
    return this.inspectAndDecide(head, raw);
  }

  async onResponseHeaders(headers: HeaderList, endOfStream: boolean): Promise<ExchangeAction> {
    this.facts.status = Number(headerValue(headers, ":status") ?? 0);
    this.recordAnswerer(headers);
    const hideAnswerer: ExchangeAction = { kind: "continue", headers: { remove: [ANSWERED_BY_HEADER] } };
    if (endOfStream) {
      this.writeAudit("completed");
      return hideAnswerer;
    }
    const step = this.answerStep(this.answer.onHeaders(headers));
    if (step.kind !== "continue") return step;
    return {
      ...step,
      headers: { ...step.headers, remove: [...(step.headers?.remove ?? []), ANSWERED_BY_HEADER] },
    };
  }

  /** Which provider and model answered (for failover routes, the attempt that succeeded). */
  private recordAnswerer(headers: HeaderList): void {
    const answeredBy = headerValue(headers, ANSWERED_BY_HEADER);
    const route = this.facts.route;
    if (!answeredBy || !route) return;
    const at = answeredBy.indexOf("=");
    if (at > 0) this.facts.route = { provider: answeredBy.slice(0, at), model: answeredBy.slice(at + 1) };
    const attempts = Number(headerValue(headers, "x-envoy-attempt-count") ?? 1);
    this.facts.attempts = Number.isInteger(attempts) && attempts > 0 ? attempts : 1;
  }

  async onResponseBody(chunk: Buffer, endOfStream: boolean): Promise<ExchangeAction> {
    const action = this.answerStep(this.answer.onBody(chunk, endOfStream));
    if (endOfStream) {
      if (this.answer.endedInError()) {
        this.facts.reasonCodes = [...this.facts.reasonCodes, "provider_stream_error"];
        this.writeAudit("aborted");
      } else this.writeAudit("completed");
    }
    return action;
  }

  private answerStep(step: AnswerStep): ExchangeAction {
    if (step.kind !== "refuse") return step;
    this.deps.logger.warn(
      { requestId: this.facts.head?.requestId, reason: step.error.message },
      "answer refused",
    );
    return this.refuse(step.error);
  }

  onStreamEnd(reason: StreamEndReason): void {
    if (reason === "failed") {
      this.facts.decision = "error";
      this.facts.status = 500;
      this.facts.reasonCodes = [...this.facts.reasonCodes, "internal_error"];
      this.writeAudit("failed");
      return;
    }
    this.writeAudit("aborted");
  }

  /** A request without a body is inspected as an empty one: a model API needs its JSON. */
  private inspectAndDecide(head: RequestHead, raw: Buffer): ExchangeAction {
    const inspected = inspectRequestBody(
      head,
      this.classification,
      raw,
      this.deps.maxBodyBytes,
      this.policy.detectors,
    );
    if (!inspected.ok) return this.refuse(inspected.error);
    return this.decide(head, inspected.value);
  }

  private decide(head: RequestHead, body: InspectedBody): ExchangeAction {
    const principal = this.facts.principal;
    if (!principal) throw new Error("decision before the caller was identified");
    this.facts.llm = body.llm;
    this.facts.promptSha256 = sha256(body.decoded);
    const input = buildPolicyInput({
      head,
      api: this.facts.api,
      principal,
      llm: body.llm,
      pii: body.pii?.summary ?? EMPTY_PII,
      bodyBytes: body.decoded.length,
      timeMs: this.facts.startedMs,
    });
    const decision = readPolicyDecision(this.evaluate(input));
    if (!decision.ok) {
      this.deps.logger.error(
        { requestId: head.requestId, reason: decision.error.message },
        "policy error; denying",
      );
      return this.refuse({
        code: "policy_error",
        message: "the gateway policy could not decide this request",
      });
    }
    const { allow, reasons, status, audit, pii } = decision.value;
    this.facts.tags = audit.tags;
    this.facts.piiCounts = requestPiiCounts(input.pii, pii, this.deps.piiHmacKey);
    this.facts.reasonCodes = reasons.map((reason) => reason.code);
    if (!allow) {
      return this.refuse({
        code: "policy_denied",
        message: reasons.map((reason) => reason.message).join("; ") || "denied by the gateway policy",
        status: status ?? 403,
        reasonCodes: reasons.length > 0 ? this.facts.reasonCodes : ["policy_denied"],
      });
    }
    if (decision.value.models !== null) {
      const listing = modelListResponse(
        decision.value.models,
        this.facts.api,
        this.classification.listedModel,
        head.requestId,
      );
      this.facts.decision = "allow";
      this.facts.status = listing.status;
      if (listing.status !== 200) this.facts.reasonCodes = ["model_not_found"];
      this.writeAudit("completed");
      return listing;
    }
    return this.forward(body, decision.value);
  }

  private forward(body: InspectedBody, decision: PolicyDecision): ExchangeAction {
    const pii = applyRequestPii(body.pii, decision.pii, this.deps.piiHmacKey, decision.route?.provider ?? "");
    if (!pii.ok) return this.refuse(pii.error);
    this.facts.decision = "allow";
    this.facts.route = decision.route;
    const changes = upstreamChanges(decision, this.facts.api, body, pii.value.edits);
    const forwarded = changes.body ?? body.decoded;
    // The audit keeps what left the gateway: the hash (and prompt) of the redacted body.
    if (changes.body) this.facts.promptSha256 = sha256(forwarded);
    if (decision.audit.store_prompt)
      this.facts.prompt = forwarded.toString("utf8").slice(0, MAX_STORED_PROMPT_CHARS);
    this.answer = new AnswerInspection(
      this.answerPolicy(decision, pii.value.replacements),
      this.deps.maxBodyBytes,
    );
    return {
      kind: "continue",
      headers: { remove: [...this.stripped, ...changes.remove], set: changes.set },
      ...(changes.body ? { body: changes.body } : {}),
      clearRouteCache: true,
    };
  }

  private answerPolicy(decision: PolicyDecision, replacements: AnswerPolicy["replacements"]): AnswerPolicy {
    const actions = [...Object.values(decision.pii.actions), decision.pii.default_action];
    return {
      api: this.facts.api,
      detectors: this.policy.detectors,
      replacements,
      restore: decision.pii.restore,
      rewrite: decision.pii.restore || actions.some((action) => action !== "allow"),
    };
  }

  private evaluate(input: Parameters<PolicySnapshot["evaluate"]>[0]): unknown {
    try {
      return this.policy.evaluate(input);
    } catch (error) {
      this.deps.logger.error({ err: error }, "policy evaluation threw");
      return undefined;
    }
  }

  private refuse(error: GatewayError): ExchangeAction {
    const requestId = this.facts.head?.requestId ?? this.deps.ids.newId();
    const internal =
      error.code === "policy_error" ||
      error.code === "internal_error" ||
      error.code === "provider_response_unreadable";
    this.facts.decision = internal ? "error" : "deny";
    this.facts.status = errorStatus(error);
    this.facts.reasonCodes = error.reasonCodes ?? [error.code];
    this.writeAudit("denied");
    this.deps.logger.info(
      { requestId, code: error.code, status: this.facts.status, keyId: this.facts.principal?.key_id },
      "request refused",
    );
    return callerErrorResponse(error, this.errorShape, requestId);
  }

  private writeAudit(outcome: AuditOutcome): void {
    if (this.audited) return;
    this.audited = true;
    this.facts.usage = this.answer.tokenUsage();
    this.facts.piiCounts = [...this.facts.piiCounts, ...this.answer.piiCounts()];
    this.deps.audit.write(
      buildAuditRecord(this.facts, outcome, this.deps.ids.newId(), this.deps.clock.nowMs()),
    );
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
