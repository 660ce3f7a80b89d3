import type { Logger } from "pino";
import {
  type ExchangeAction,
  type HeaderEntry,
  type HeaderList,
  headerValue,
  type StreamEndReason,
  type StreamProcessor,
} from "../protocol/http-exchange.ts";
import type { AttemptOutcome, AttemptSink } from "./attempt-record.ts";
import { callerErrorResponse } from "./caller-error-response.ts";
import type { GatewayError } from "./gateway-errors.ts";
import { ApiKind } from "./policy-input.ts";
import type { Clock, PolicySource } from "./ports.ts";
import type { ProviderAdapter, ProviderApi, ProviderInfo, StreamTranslator } from "./provider-translation.ts";
import { contentEncodingOf, decodeBody, decodeUtf8 } from "./request-body.ts";
import { parseStrictJson } from "./strict-json.ts";

/**
 * Set by the gateway's decision for the per-attempt filter. Envoy shares one request header map
 * across retry attempts, so these stay in place (a later attempt needs them too) and reach the
 * provider: they name the API and the model the provider is asked for, nothing secret.
 */
export const TARGET_MODEL_HEADER = "x-gateway-target-model";
export const API_HEADER = "x-gateway-api";
/** For failover routes: `provider=model&provider=model`, URL-encoded, one model per provider. */
export const TARGETS_HEADER = "x-gateway-targets";
/** Set on the answer for the gateway filter: which provider answered (removed before the caller). */
export const ANSWERED_BY_HEADER = "x-gateway-answered-by";

export interface ProviderAttemptDeps {
  /** The provider this attempt goes to: the upstream filter's gRPC metadata names it. */
  readonly provider: string;
  readonly policies: PolicySource;
  readonly adapters: ReadonlyMap<ProviderApi, ProviderAdapter>;
  /** Provider name → API key, from the gateway's configuration; never from the caller. */
  readonly credentials: ReadonlyMap<string, string>;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  /** Where the attempt's audit row goes; absent where nothing is audited (the translation bench). */
  readonly recording?: AttemptRecording;
}

export interface AttemptRecording {
  readonly sink: AttemptSink;
  readonly clock: Clock;
}

/** Envoy numbers the tries of one request on each upstream request (include_request_attempt_count). */
const ATTEMPT_COUNT_HEADER = "x-envoy-attempt-count";

const CONTINUE: ExchangeAction = { kind: "continue" };

/** Built once: the header is read on every attempt. */
const API_FROM_HEADER = ApiKind.catch("unknown");

/**
 * One attempt to one provider, run by Envoy's upstream "translate" filter, so a retry to another
 * provider is translated anew for that provider. It turns the approved request into the
 * provider's request with the provider's key (an OpenAI-style request translated, a native one
 * passed through with the provider's model and path), and the provider's answer back into the
 * caller's shape; refusals go out in the caller's shape too. It holds nothing between attempts:
 * everything it needs travels in the request.
 */
export class ProviderAttempt implements StreamProcessor {
  private adapter: ProviderAdapter | undefined;
  private providerInfo: ProviderInfo | undefined;
  private model = "";
  private requestId = "";
  private api: ApiKind = "unknown";
  private includeUsage = false;
  private stream: StreamTranslator | undefined;
  private requestChunks: Buffer[] = [];
  private answerChunks: Buffer[] = [];
  private heldBytes = 0;
  private answerStatus = 0;
  private answerEncoding = "";
  private attempt = 1;
  private readonly startMs: number;
  private ttfbMs = 0;
  private recorded = false;

  constructor(private readonly deps: ProviderAttemptDeps) {
    this.startMs = deps.recording?.clock.nowMs() ?? 0;
  }

  async onRequestHeaders(headers: HeaderList): Promise<ExchangeAction> {
    this.requestId = headerValue(headers, "x-request-id") ?? "";
    const attempt = Number(headerValue(headers, ATTEMPT_COUNT_HEADER) ?? 1);
    this.attempt = Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
    this.api = API_FROM_HEADER.parse(headerValue(headers, API_HEADER));
    const targets = new URLSearchParams(headerValue(headers, TARGETS_HEADER) ?? "");
    this.model = targets.get(this.deps.provider) ?? headerValue(headers, TARGET_MODEL_HEADER) ?? "";
    const info = this.deps.policies.current().providers.get(this.deps.provider);
    // Kept with the adapter: the body is translated with the same bundle's view of the provider.
    this.providerInfo = info;
    this.adapter = info ? this.deps.adapters.get(info.api) : undefined;
    if (!this.adapter || this.model === "") {
      this.deps.logger.error(
        { provider: this.deps.provider, requestId: this.requestId },
        "attempt without a usable route",
      );
      return this.refuse({
        code: "internal_error",
        message: `the gateway cannot send requests to '${this.deps.provider}'`,
      });
    }
    // What an earlier attempt to another provider set goes first: never one provider's key to another.
    const keep = this.adapter.callerHeaders(this.api);
    const remove = ownedHeaders(this.deps.adapters).filter((name) => !keep.includes(name));
    return { kind: "continue", headers: { remove, set: this.credentialHeaders() } };
  }

  async onRequestBody(chunk: Buffer, endOfStream: boolean): Promise<ExchangeAction> {
    const bounded = this.hold(this.requestChunks, chunk, "request");
    if (bounded) return bounded;
    if (!endOfStream) return CONTINUE;
    const body = Buffer.concat(this.requestChunks);
    this.requestChunks = [];
    this.heldBytes = 0;
    const adapter = this.adapter;
    const provider = this.providerInfo;
    if (!adapter || !provider) throw new Error("request body before request headers");
    const text = decodeUtf8(body);
    const json = text.ok ? parseStrictJson(text.value) : text;
    if (!json.ok) return this.refuse(json.error);
    const request = adapter.translateRequest(this.api, json.value, this.model, provider);
    if (!request.ok) {
      const { status, code, message, param } = request.error;
      return this.refuse({
        code: status === 422 ? "unsupported_feature" : "invalid_request",
        message,
        status,
        reasonCodes: [code],
        ...(param ? { param } : {}),
      });
    }
    // Read from the caller's OpenAI body: a translated stream adds the usage chunk only when asked.
    const caller = json.value.value as { stream_options?: { include_usage?: unknown } } | null;
    this.includeUsage = caller?.stream_options?.include_usage === true;
    const set: HeaderEntry[] = Object.entries(request.value.headers).map(([name, value]) => ({
      name,
      value,
    }));
    set.push({ name: ":path", value: request.value.path });
    set.push({ name: "content-length", value: String(request.value.body.length) });
    return { kind: "continue", headers: { set }, body: request.value.body };
  }

  async onResponseHeaders(headers: HeaderList, endOfStream: boolean): Promise<ExchangeAction> {
    this.answerStatus = Number(headerValue(headers, ":status") ?? 0);
    this.answerEncoding = contentEncodingOf(headers);
    this.ttfbMs = this.elapsedMs();
    const action = this.answerHeaders(headers, endOfStream);
    // An answer without a body is complete with its headers (a refusal above is already recorded).
    if (endOfStream) this.record("completed", "");
    return action;
  }

  async onResponseBody(chunk: Buffer, endOfStream: boolean): Promise<ExchangeAction> {
    const action = this.answerBody(chunk, endOfStream);
    // Recorded here rather than at stream end: the answer is complete now, and the row is then
    // written before the caller has the last byte (the request's row is written at this point too).
    if (endOfStream) {
      // A translated stream that ended in an error event reached the caller as that error.
      const failure = this.stream?.failure();
      if (failure === undefined) this.record("completed", "");
      else this.record("aborted", failure);
    }
    return action;
  }

  /**
   * Only for an attempt not recorded at a definite end (refusal, end of the answer). Envoy closes
   * the ext_proc stream in good order even when the provider's connection broke mid-answer, so a
   * stream that ends without the answer's end is an aborted attempt, whatever the reason says.
   */
  onStreamEnd(reason: StreamEndReason): void {
    if (reason === "failed") this.record("failed", "internal_error");
    else this.record("aborted", "");
  }

  private answerHeaders(headers: HeaderList, endOfStream: boolean): ExchangeAction {
    if (this.answerStatus === 401 || this.answerStatus === 403) return this.refuseProviderKey();
    const answeredBy = { name: ANSWERED_BY_HEADER, value: `${this.deps.provider}=${this.model}` };
    const adapter = this.adapter;
    const contentType = (headerValue(headers, "content-type") ?? "").toLowerCase();
    if (!endOfStream && this.answerStatus < 300 && contentType.startsWith("text/event-stream")) {
      // A stream must flow through this filter event by event, translated or (for an
      // OpenAI-compatible provider, or a native front) as the provider wrote it; buffered, the
      // caller would get nothing until the provider's last byte.
      if (!adapter?.translatesAnswers(this.api)) {
        return { kind: "continue", responseBodyMode: "streamed", headers: { set: [answeredBy] } };
      }
      if (this.answerEncoding !== "") {
        // Asked for identity (upstream-changes.ts); a compressed stream cannot be translated as it flows.
        return this.refuse({
          code: "provider_response_unreadable",
          message: `the provider's ${this.answerEncoding}-encoded event stream cannot be translated`,
        });
      }
      this.stream = adapter.streamTranslator(this.model, this.includeUsage);
      return {
        kind: "continue",
        responseBodyMode: "streamed",
        headers: { set: [{ name: "content-type", value: "text/event-stream; charset=utf-8" }, answeredBy] },
      };
    }
    return { kind: "continue", headers: { set: [answeredBy] } };
  }

  private answerBody(chunk: Buffer, endOfStream: boolean): ExchangeAction {
    const adapter = this.adapter;
    if (!adapter) return CONTINUE;
    if (this.stream) {
      const out = endOfStream
        ? Buffer.concat([this.stream.push(chunk), this.stream.end()])
        : this.stream.push(chunk);
      return { kind: "continue", body: out };
    }
    const translating = adapter.translatesAnswers(this.api);
    // An error answer is read whole: it may be the provider refusing the gateway's key.
    const error = this.answerStatus >= 400;
    if (!translating && !error) return CONTINUE;
    const bounded = this.hold(this.answerChunks, chunk, "answer");
    if (bounded) return bounded;
    if (!endOfStream) return CONTINUE;
    const whole = Buffer.concat(this.answerChunks);
    this.answerChunks = [];
    if (error && adapter.refusesGatewayKey(this.answerStatus, whole)) return this.refuseProviderKey();
    if (!translating) return CONTINUE;
    // A provider may compress although asked not to; the translator reads the plain bytes.
    const plain = decodeBody(whole, this.answerEncoding, this.deps.maxBodyBytes);
    if (!plain.ok) {
      return this.refuse({
        code: "provider_response_unreadable",
        message: `the provider's answer could not be read: ${plain.error.message}`,
      });
    }
    const answer = adapter.translateAnswer(this.answerStatus, plain.value, this.model);
    return {
      kind: "continue",
      body: answer.body,
      headers: {
        remove: ["content-encoding"],
        set: [
          { name: ":status", value: String(answer.status) },
          { name: "content-type", value: "application/json" },
          { name: "content-length", value: String(answer.body.length) },
        ],
      },
    };
  }

  /** Keeps a body piece unless the body outgrows the limit Envoy's buffer also enforces. */
  private hold(chunks: Buffer[], chunk: Buffer, what: "request" | "answer"): ExchangeAction | undefined {
    this.heldBytes += chunk.length;
    if (this.heldBytes > this.deps.maxBodyBytes) {
      return this.refuse(
        what === "request"
          ? { code: "body_too_large", message: `request body is larger than ${this.deps.maxBodyBytes} bytes` }
          : {
              code: "provider_response_unreadable",
              message: `the provider's answer is larger than ${this.deps.maxBodyBytes} bytes`,
            },
      );
    }
    chunks.push(chunk);
    return undefined;
  }

  /**
   * The provider refused the gateway's key, not the caller's: the caller's SDK must not be told its
   * own key is bad, so it gets a 502 (in its own API's shape).
   */
  private refuseProviderKey(): ExchangeAction {
    this.deps.logger.error(
      { provider: this.deps.provider, status: this.answerStatus },
      "provider refused the gateway's key",
    );
    return this.refuse({
      code: "provider_auth_failed",
      message: `the provider '${this.deps.provider}' refused the gateway's credentials`,
    });
  }

  private credentialHeaders(): HeaderEntry[] {
    const key = this.deps.credentials.get(this.deps.provider);
    return key && this.adapter ? this.adapter.credentialHeaders(key) : [];
  }

  private refuse(error: GatewayError): ExchangeAction {
    this.record("refused", error.code);
    return callerErrorResponse(error, this.api, this.requestId || "unknown");
  }

  /** Writes the attempt's row once, at the first definite end: refusal, answer end or stream end. */
  private record(outcome: AttemptOutcome, errorCode: string): void {
    const recording = this.deps.recording;
    if (this.recorded || !recording) return;
    this.recorded = true;
    recording.sink.write({
      time_ms: this.startMs,
      request_id: this.requestId,
      attempt: this.attempt,
      provider: this.deps.provider,
      model: this.model,
      api: this.api,
      status: Number.isInteger(this.answerStatus) && this.answerStatus > 0 ? this.answerStatus : 0,
      outcome,
      error_code: errorCode,
      latency_ms: this.elapsedMs(),
      ttfb_ms: this.ttfbMs,
    });
  }

  private elapsedMs(): number {
    const clock = this.deps.recording?.clock;
    return clock ? Math.max(0, clock.nowMs() - this.startMs) : 0;
  }
}

/** Every header any adapter may set, computed once per adapter table (not per attempt). */
const ownedHeaderCache = new WeakMap<ReadonlyMap<ProviderApi, ProviderAdapter>, string[]>();

function ownedHeaders(adapters: ReadonlyMap<ProviderApi, ProviderAdapter>): string[] {
  let names = ownedHeaderCache.get(adapters);
  if (!names) {
    names = [...new Set([...adapters.values()].flatMap((adapter) => adapter.ownedHeaders))];
    ownedHeaderCache.set(adapters, names);
  }
  return names;
}
