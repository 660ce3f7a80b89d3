import { type ExchangeAction, type HeaderList, headerValue } from "../protocol/http-exchange.ts";
import type { GatewayError } from "./gateway-errors.ts";
import type { Detector } from "./pii/detectors/types.ts";
import type { PiiAction, PiiReplacements } from "./pii/pii-replacements.ts";
import type { PiiCount } from "./pii/request-pii-decision.ts";
import { redactAnswerBody } from "./pii/response-pii.ts";
import type { TextReplacer } from "./pii/stream/redact-restore-text.ts";
import { SseAnswerRedactor } from "./pii/stream/sse-answer-redactor.ts";
import { sseTextCodecFor } from "./pii/stream/sse-text-codecs.ts";
import { StreamTextRedactor } from "./pii/stream/stream-text-redactor.ts";
import type { ApiKind } from "./policy-input.ts";
import { contentEncodingOf, decodeBody } from "./request-body.ts";
import { StreamUsageReader, type TokenUsage, usageFromJson } from "./response-usage.ts";

/** What the answer path needs from the request's decision. */
export interface AnswerPolicy {
  readonly api: ApiKind;
  readonly detectors: readonly Detector[];
  readonly replacements: PiiReplacements;
  readonly restore: boolean;
  /** False when every action is `allow` and nothing is restored: the answer passes untouched. */
  readonly rewrite: boolean;
}

const CONTINUE: ExchangeAction = { kind: "continue" };

/** An answer the policy needs rewritten but the gateway cannot read: it must not pass uninspected. */
export type AnswerStep = ExchangeAction | { readonly kind: "refuse"; readonly error: GatewayError };

function unreadable(why: string): AnswerStep {
  return {
    kind: "refuse",
    error: {
      code: "provider_response_unreadable",
      message: `the provider's answer could not be inspected: ${why}`,
    },
  };
}
const NOTHING_TO_RESTORE: ReadonlyMap<string, string> = new Map();

/** Replacements for the model's own PII, and this request's placeholders back only with restore. */
function answerReplacer(policy: AnswerPolicy): TextReplacer {
  return {
    replacementFor: (match, value) => policy.replacements.replacementFor(match, value),
    restore: policy.restore ? policy.replacements.restore : NOTHING_TO_RESTORE,
  };
}

/**
 * The provider's answer on its way back: token usage is read, and (when the policy asks) PII the
 * model wrote is replaced and this request's placeholders are restored, for buffered JSON and for
 * `text/event-stream` alike.
 */
export class AnswerInspection {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private overflow = false;
  private encoding = "";
  private status = 0;
  private streamUsage: StreamUsageReader | undefined;
  private sse: SseAnswerRedactor | undefined;
  private usage: TokenUsage | undefined;
  private readonly matches = new Map<string, number>();

  constructor(
    private readonly policy: AnswerPolicy | undefined,
    private readonly maxBodyBytes: number,
  ) {}

  onHeaders(headers: HeaderList): AnswerStep {
    this.status = Number(headerValue(headers, ":status") ?? 0);
    this.encoding = contentEncodingOf(headers);
    const contentType = (headerValue(headers, "content-type") ?? "").toLowerCase();
    if (!contentType.startsWith("text/event-stream")) return CONTINUE;
    const policy = this.policy;
    if (policy?.rewrite && this.encoding !== "") {
      return unreadable(`a ${this.encoding}-encoded event stream cannot be redacted as it flows`);
    }
    // Streams must reach the caller chunk by chunk, so the processor sees them as they pass.
    const usage = new StreamUsageReader(policy?.api ?? "unknown");
    this.streamUsage = usage;
    if (policy?.rewrite) {
      const replacer = answerReplacer(policy);
      const codec = sseTextCodecFor(policy.api);
      this.sse = new SseAnswerRedactor(
        codec,
        (kind) =>
          new StreamTextRedactor(
            policy.detectors,
            replacer,
            kind === "arguments" && codec.argumentsAreJsonText,
          ),
        (data) => usage.read(data),
      );
    }
    return { kind: "continue", responseBodyMode: "streamed" };
  }

  onBody(chunk: Buffer, endOfStream: boolean): AnswerStep {
    if (this.streamUsage) return this.onStreamChunk(chunk, endOfStream);
    if (this.bytes + chunk.length > this.maxBodyBytes) this.overflow = true;
    else {
      this.chunks.push(chunk);
      this.bytes += chunk.length;
    }
    return endOfStream ? this.onWholeBody() : CONTINUE;
  }

  tokenUsage(): TokenUsage | undefined {
    return this.usage;
  }

  /** A streamed answer that carried an error event: it did not complete, whatever its status. */
  endedInError(): boolean {
    return this.streamUsage?.endedInError() ?? false;
  }

  /** Entities found in the answer, with what was done to them. */
  piiCounts(): PiiCount[] {
    const sse = this.sse?.stats().matches ?? new Map<string, number>();
    const all = new Map(this.matches);
    for (const [type, count] of sse) all.set(type, (all.get(type) ?? 0) + count);
    return [...all].map(([type, count]) => ({
      type,
      action: this.answerAction(type),
      direction: "response" as const,
      count,
    }));
  }

  private answerAction(type: string): PiiAction {
    const action = this.policy?.replacements.actionFor(type) ?? "allow";
    return action === "block" ? "redact" : action;
  }

  private onStreamChunk(chunk: Buffer, endOfStream: boolean): ExchangeAction {
    if (!this.sse) {
      this.streamUsage?.push(chunk, endOfStream);
      if (endOfStream) this.usage = this.streamUsage?.result();
      return CONTINUE;
    }
    // The redactor reads usage as it parses each event (see its `onData`).
    const out = endOfStream ? Buffer.concat([this.sse.push(chunk), this.sse.end()]) : this.sse.push(chunk);
    if (endOfStream) this.usage = this.streamUsage?.result();
    return { kind: "continue", body: out };
  }

  private onWholeBody(): AnswerStep {
    const raw = Buffer.concat(this.chunks);
    this.chunks = [];
    const policy = this.policy;
    if (this.overflow)
      return policy?.rewrite ? unreadable("it is larger than the gateway's body limit") : CONTINUE;
    const decoded = decodeBody(raw, this.encoding, this.maxBodyBytes);
    if (!decoded.ok) return policy?.rewrite ? unreadable(decoded.error.message) : CONTINUE;
    // One parse serves both readers: usage, and whether the answer is JSON at all. A leading BOM
    // is read past, as the SDKs' fetch does: the answer they read is the one inspected.
    const text = withoutBom(decoded.value.toString("utf8"));
    const json = parseJson(text);
    this.usage = json.ok ? usageFromJson(policy?.api ?? "unknown", json.value) : undefined;
    if (!policy?.rewrite) return CONTINUE;
    // An error page (HTML, say) is no model output. A success that is not JSON may still be model
    // output the caller's SDK reads anyway (an event stream labelled as JSON or as nothing): it
    // cannot pass uninspected.
    if (!json.ok) return this.status >= 200 && this.status < 300 ? unreadable("it is not JSON") : CONTINUE;
    const result = redactAnswerBody(policy.api, text, policy.detectors, answerReplacer(policy));
    if (result.tooDeep) return unreadable("it nests deeper than any model answer");
    for (const [type, count] of result.matches) this.matches.set(type, (this.matches.get(type) ?? 0) + count);
    if (result.text === undefined) return CONTINUE;
    const body = Buffer.from(result.text, "utf8");
    return {
      kind: "continue",
      body,
      headers: {
        remove: this.encoding === "" ? [] : ["content-encoding"],
        set: [{ name: "content-length", value: String(body.length) }],
      },
    };
  }
}

function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
