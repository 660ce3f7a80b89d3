import type { Metadata } from "@grpc/grpc-js";
import type { CommonResponse__Output } from "../../proto/generated/envoy/service/ext_proc/v3/CommonResponse.ts";
import type { ExternalProcessorClient } from "../../proto/generated/envoy/service/ext_proc/v3/ExternalProcessor.ts";
import type { ImmediateResponse__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ImmediateResponse.ts";
import type { ProcessingRequest } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import type { BodyBuffer } from "./body-buffer.ts";
import { ExtProcStream, type StreamEvent } from "./ext-proc-stream.ts";
import type { BodySendMode, ExtProcFilterSettings, ProcessingModeSettings } from "./harness-config.ts";
import { HeaderMap } from "./header-map.ts";
import { applyHeaderMutation } from "./header-mutation.ts";
import { statusCodeNumber } from "./http-status-codes.ts";
import type { ResponseSink } from "./response-sink.ts";
import type { ResponseSource } from "./router.ts";

type Phase = "request_headers" | "request_body" | "response_headers" | "response_body";

/** What a wait for the processor ended with. */
type Outcome =
  | { kind: "reply"; common: CommonResponse__Output | null }
  | { kind: "immediate"; response: ImmediateResponse__Output }
  | { kind: "local"; status: number; details: string }
  /** Processing is over for this request (stream closed OK, or a failure allowed by failure_mode_allow). */
  | { kind: "unprocessed" };

export interface FilterContext {
  settings: ExtProcFilterSettings;
  client: ExternalProcessorClient;
  statusNumbers: Map<string, number>;
  debug: (message: string) => void;
  /** gRPC call metadata for every Process stream (grpc_service.initial_metadata). */
  metadata?: Metadata;
}

export type RequestPhaseResult = { kind: "replied" } | { kind: "forward"; body: Buffer | undefined };

const LENGTH_MISMATCH = "mismatch between content length and the length of the mutated body";

function shouldRemoveContentLength(headerMode: string, bodyMode: BodySendMode): boolean {
  return (
    bodyMode === "STREAMED" ||
    bodyMode === "BUFFERED_PARTIAL" ||
    (bodyMode === "BUFFERED" && headerMode === "SKIP")
  );
}

type BodyMutation = NonNullable<CommonResponse__Output["body_mutation"]>;

/** MutationUtils::applyBodyMutations: `body` replaces (even with nothing), `clear_body` empties. */
function mutateBody(data: Buffer, mutation: BodyMutation | null | undefined): Buffer {
  if (!mutation) return data;
  if (mutation.mutation === "body") return mutation.body ?? Buffer.alloc(0);
  if (mutation.mutation === "clear_body" && mutation.clear_body) return Buffer.alloc(0);
  return data;
}

/**
 * A BUFFERED body reply must agree with a content-length Envoy still holds: Envoy compares the
 * header with the size of the mutated body (a `clear_body` counts as empty) and fails the request.
 */
function contentLengthMismatch(headers: HeaderMap, mutation: BodyMutation): boolean {
  const length = headers.get("content-length");
  if (length === undefined || !/^\d+$/.test(length)) return false;
  const mutated = mutation.mutation === "body" ? (mutation.body ?? Buffer.alloc(0)) : undefined;
  return Number(length) !== (mutated?.length ?? 0);
}

function headersMessage(headers: HeaderMap, endOfStream: boolean) {
  return {
    headers: {
      headers: headers.toEntries().map(([key, value]) => ({ key, raw_value: Buffer.from(value, "latin1") })),
    },
    end_of_stream: endOfStream,
  };
}

/**
 * Envoy's ext_proc HTTP filter for one HTTP request: the decoder side (request headers and body)
 * and the encoder side (response headers and body), over one lazily opened gRPC stream.
 */
export class ExtProcFilter {
  private modes: ProcessingModeSettings;
  private stream: ExtProcStream | undefined;
  private complete = false;
  private immediateSent = false;

  constructor(
    private readonly ctx: FilterContext,
    private readonly downstream: ResponseSink,
  ) {
    this.modes = { ...ctx.settings.processingMode };
  }

  /** Client went away: Envoy destroys the filter, which closes the gRPC stream. */
  abort(): void {
    this.complete = true;
    this.stream?.cancel();
  }

  private openStream(): ExtProcStream {
    if (this.stream === undefined) {
      this.stream = new ExtProcStream(
        this.ctx.client,
        this.ctx.settings.messageTimeoutMs,
        this.ctx.debug,
        this.ctx.metadata,
      );
    }
    return this.stream;
  }

  private send(stream: ExtProcStream, request: ProcessingRequest): void {
    stream.send({ ...request, metadata_context: {} });
  }

  private finish(): void {
    this.complete = true;
    this.stream?.close();
  }

  /** Turns one stream event into an outcome for the awaited phase; undefined means keep waiting. */
  private interpret(event: StreamEvent, awaited: Phase | undefined, inHeaders: boolean): Outcome | undefined {
    const { settings } = this.ctx;
    const stream = this.stream;
    switch (event.kind) {
      case "wake":
        return undefined;
      case "closed":
        this.complete = true;
        return { kind: "unprocessed" };
      case "error":
        this.complete = true;
        if (settings.failureModeAllow) return { kind: "unprocessed" };
        return {
          kind: "local",
          status: settings.statusOnError,
          details: `ext_proc_error_gRPC_error_${event.code}`,
        };
      case "timeout":
        this.finish();
        if (settings.failureModeAllow) return { kind: "unprocessed" };
        return { kind: "local", status: 504, details: "ext_proc_error_per-message_timeout_exceeded" };
      case "reply":
        break;
    }
    const message: ProcessingResponse__Output = event.message;
    // override_message_timeout is honoured only with max_message_timeout, which the harness does not model.
    if (message.override_message_timeout !== null && message.override_message_timeout !== undefined)
      return undefined;
    stream?.stopTimer();
    if (settings.allowModeOverride && inHeaders && message.mode_override)
      this.applyModeOverride(message.mode_override);
    if (message.response === "immediate_response" && message.immediate_response) {
      this.finish();
      return { kind: "immediate", response: message.immediate_response };
    }
    if (awaited !== undefined && message.response === awaited) {
      return { kind: "reply", common: message[awaited]?.response ?? null };
    }
    // Wrong oneof, unsolicited, or empty: spurious / unhandled.
    this.finish();
    if (settings.failureModeAllow) return { kind: "unprocessed" };
    return { kind: "local", status: settings.statusOnError, details: "ext_proc_error_spurious_message" };
  }

  private applyModeOverride(mode: NonNullable<ProcessingResponse__Output["mode_override"]>): void {
    const header = (value: string, current: "SEND" | "SKIP") =>
      value === "SEND" || value === "SKIP" ? value : current;
    const body = (value: string): BodySendMode =>
      value === "STREAMED" || value === "BUFFERED" || value === "BUFFERED_PARTIAL" ? value : "NONE";
    this.modes = {
      requestHeaderMode: header(mode.request_header_mode, this.modes.requestHeaderMode),
      responseHeaderMode: header(mode.response_header_mode, this.modes.responseHeaderMode),
      requestTrailerMode: header(mode.request_trailer_mode, this.modes.requestTrailerMode),
      responseTrailerMode: header(mode.response_trailer_mode, this.modes.responseTrailerMode),
      requestBodyMode: body(mode.request_body_mode),
      responseBodyMode: body(mode.response_body_mode),
    };
  }

  private async await(phase: Phase): Promise<Outcome> {
    const stream = this.openStream();
    const inHeaders = phase === "request_headers" || phase === "response_headers";
    for (;;) {
      const outcome = this.interpret(await stream.events.next(), phase, inHeaders);
      if (outcome !== undefined) return outcome;
    }
  }

  private sendImmediate(response: ImmediateResponse__Output): void {
    let status = statusCodeNumber(response.status?.code, this.ctx.statusNumbers);
    if (status < 200) status = 200;
    const headers = new HeaderMap();
    if (response.headers) {
      const result = applyHeaderMutation(response.headers, headers, { disallowIsError: false });
      if (!result.ok) this.ctx.debug(`immediate response mutations failed: ${result.message}`);
    }
    if (response.grpc_status) headers.set("grpc-status", String(response.grpc_status.status));
    this.immediateSent = true;
    this.downstream.sendLocal(status, response.body ?? Buffer.alloc(0), headers);
  }

  /** Acts on a terminal outcome; returns true when the client got its answer. */
  private settle(outcome: Outcome, abortUpstream?: () => void): boolean {
    if (outcome.kind === "immediate") {
      abortUpstream?.();
      this.sendImmediate(outcome.response);
      return true;
    }
    if (outcome.kind === "local") {
      abortUpstream?.();
      this.ctx.debug(`local reply ${outcome.status}: ${outcome.details}`);
      this.downstream.sendLocal(outcome.status, "");
      return true;
    }
    return false;
  }

  private failWith(message: string, abortUpstream?: () => void): RequestPhaseResult {
    this.finish();
    this.settle({ kind: "local", status: this.ctx.settings.statusOnError, details: message }, abortUpstream);
    return { kind: "replied" };
  }

  /** Applies a CommonResponse's header mutation; returns an error message when Envoy would reject it. */
  private mutateHeaders(common: CommonResponse__Output, headers: HeaderMap): string | undefined {
    if (!common.header_mutation) return undefined;
    const result = applyHeaderMutation(
      common.header_mutation,
      headers,
      { disallowIsError: this.ctx.settings.disallowIsError },
      common.status === "CONTINUE_AND_REPLACE",
    );
    if (!result.ok) return result.message;
    if (result.rejected > 0)
      this.ctx.debug(`${result.rejected} header mutation(s) skipped by mutation rules`);
    return undefined;
  }

  /** The decoder side. `reroute` recomputes the route from the (mutated) headers. */
  async processRequest(
    headers: HeaderMap,
    body: BodyBuffer,
    noBody: boolean,
    reroute: () => void,
  ): Promise<RequestPhaseResult> {
    let replacedBody: Buffer | undefined;
    if (this.modes.requestHeaderMode === "SEND" && !this.complete) {
      const stream = this.openStream();
      this.send(stream, { request_headers: headersMessage(headers, noBody) });
      if (shouldRemoveContentLength(this.modes.requestHeaderMode, this.modes.requestBodyMode))
        headers.remove("content-length");
      const outcome = await this.await("request_headers");
      if (this.settle(outcome)) return { kind: "replied" };
      if (outcome.kind === "reply" && outcome.common) {
        const common = outcome.common;
        const error = this.mutateHeaders(common, headers);
        if (error !== undefined) return this.failWith(error);
        if (common.header_mutation && common.clear_route_cache) reroute();
        if (common.status === "CONTINUE_AND_REPLACE") {
          if (common.body_mutation) {
            headers.remove("content-length");
            replacedBody = mutateBody(Buffer.alloc(0), common.body_mutation);
          }
          this.modes.requestBodyMode = "NONE";
        }
      }
    }
    if (replacedBody !== undefined) return { kind: "forward", body: replacedBody };
    if (noBody) return { kind: "forward", body: undefined };
    await body.complete();
    const bodyMode = this.complete ? "NONE" : this.modes.requestBodyMode;
    if (bodyMode !== "NONE" && body.overLimit) {
      this.finish();
      this.downstream.sendLocal(413, "Payload Too Large");
      return { kind: "replied" };
    }
    let data = body.take();
    if (bodyMode === "NONE") return { kind: "forward", body: data };
    // STREAMED and BUFFERED_PARTIAL collapse to one chunk: the whole body is already held here.
    const stream = this.openStream();
    this.send(stream, { request_body: { body: data, end_of_stream: true } });
    const outcome = await this.await("request_body");
    if (this.settle(outcome)) return { kind: "replied" };
    if (outcome.kind === "reply" && outcome.common) {
      const common = outcome.common;
      const buffered = bodyMode === "BUFFERED";
      if (buffered && this.modes.requestHeaderMode === "SEND") {
        const error = this.mutateHeaders(common, headers);
        if (error !== undefined) return this.failWith(error);
        if (common.header_mutation && common.clear_route_cache) reroute();
      }
      if (common.body_mutation) {
        if (buffered && contentLengthMismatch(headers, common.body_mutation))
          return this.failWith(LENGTH_MISMATCH);
        data = mutateBody(data, common.body_mutation);
      }
    }
    return { kind: "forward", body: data };
  }

  /** The encoder side, for upstream responses and the router's own replies. */
  async processResponse(source: ResponseSource): Promise<void> {
    const headers = source.headers;
    const body = source.body;
    if (this.complete || this.modes.responseHeaderMode !== "SEND") return this.passThrough(source);
    const stream = this.openStream();
    body.onChange(() => stream.wake());
    this.send(stream, { response_headers: headersMessage(headers, source.noBody) });
    if (shouldRemoveContentLength(this.modes.responseHeaderMode, this.modes.responseBodyMode))
      headers.remove("content-length");
    const outcome = await this.await("response_headers");
    if (this.settle(outcome, source.abort)) return;
    if (outcome.kind !== "reply") return this.passThrough(source);
    const common = outcome.common;
    if (common) {
      const error = this.mutateHeaders(common, headers);
      if (error !== undefined) {
        this.failWith(error, source.abort);
        return;
      }
      if (common.status === "CONTINUE_AND_REPLACE") {
        if (common.body_mutation) {
          headers.remove("content-length");
          const replaced = mutateBody(Buffer.alloc(0), common.body_mutation);
          source.abort();
          this.finish();
          this.downstream.writeHead(headers);
          this.downstream.end(replaced);
          return;
        }
        this.modes.responseBodyMode = "NONE";
      }
    }
    if (source.noBody) {
      this.finish();
      this.downstream.writeHead(headers);
      this.downstream.end();
      return;
    }
    if (this.modes.responseBodyMode === "STREAMED") return this.streamResponse(source, stream);
    if (this.modes.responseBodyMode === "NONE") return this.passThrough(source);
    await this.bufferResponse(source, stream);
  }

  private async passThrough(source: ResponseSource): Promise<void> {
    this.finish();
    this.downstream.writeHead(source.headers);
    if (source.noBody) {
      this.downstream.end();
      return;
    }
    const body = source.body;
    await new Promise<void>((resolve) => {
      const flush = () => {
        this.downstream.write(body.take());
        if (body.failed) this.downstream.reset();
        else if (body.ended) this.downstream.end();
        if (body.failed || body.ended) resolve();
      };
      body.onChange(flush);
      flush();
    });
  }

  private async bufferResponse(source: ResponseSource, stream: ExtProcStream): Promise<void> {
    const body = source.body;
    await body.complete();
    if (this.complete) return this.passThrough(source);
    if (body.failed) {
      this.finish();
      this.downstream.sendLocal(502, "upstream reset");
      return;
    }
    if (body.overLimit) {
      this.finish();
      this.downstream.sendLocal(500, "Internal Server Error");
      return;
    }
    let data = body.take();
    this.send(stream, { response_body: { body: data, end_of_stream: true } });
    const outcome = await this.await("response_body");
    if (this.settle(outcome)) return;
    const headers = source.headers;
    if (outcome.kind === "reply" && outcome.common) {
      const common = outcome.common;
      const error = this.mutateHeaders(common, headers);
      if (error !== undefined) {
        this.failWith(error);
        return;
      }
      if (common.body_mutation) {
        if (contentLengthMismatch(headers, common.body_mutation)) {
          this.failWith(LENGTH_MISMATCH);
          return;
        }
        data = mutateBody(data, common.body_mutation);
      }
    }
    this.finish();
    this.downstream.writeHead(headers);
    this.downstream.end(data);
  }

  /**
   * STREAMED: every chunk goes to the processor at once; each body reply releases the oldest
   * queued chunk (mutated) to the client. Data that arrived during the headers wait is one chunk.
   */
  private async streamResponse(source: ResponseSource, stream: ExtProcStream): Promise<void> {
    const body = source.body;
    const pending: Array<{ data: Buffer; eos: boolean }> = [];
    let sentEos = false;
    this.downstream.writeHead(source.headers);
    const pump = () => {
      if (sentEos || body.failed) return;
      if (!body.hasData() && !body.ended) return;
      const data = body.take();
      sentEos = body.ended;
      pending.push({ data, eos: sentEos });
      this.send(stream, { response_body: { body: data, end_of_stream: sentEos } });
    };
    for (;;) {
      pump();
      if (body.failed) {
        // An upstream reset after the response started resets the downstream stream.
        this.finish();
        this.downstream.reset();
        return;
      }
      if (sentEos && pending.length === 0) break;
      const outcome = this.interpret(
        await stream.events.next(),
        pending.length > 0 ? "response_body" : undefined,
        false,
      );
      if (outcome === undefined) continue;
      if (outcome.kind === "immediate" || outcome.kind === "local") {
        source.abort();
        // The response has started: Envoy can only reset the stream.
        this.downstream.reset();
        return;
      }
      if (outcome.kind === "unprocessed") {
        for (const chunk of pending.splice(0)) this.downstream.write(chunk.data);
        if (sentEos) this.downstream.end();
        else await this.passThrough({ ...source, noBody: false });
        return;
      }
      const chunk = pending.shift();
      if (chunk === undefined) continue;
      this.downstream.write(mutateBody(chunk.data, outcome.common?.body_mutation));
      // Keep a deadline on replies still owed, so a silent processor cannot hang the response.
      if (pending.length > 0) stream.startTimer();
      if (chunk.eos) break;
    }
    this.finish();
    this.downstream.end();
  }

  get repliedImmediately(): boolean {
    return this.immediateSent;
  }
}
