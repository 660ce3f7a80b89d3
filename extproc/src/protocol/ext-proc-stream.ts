import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { HttpBody__Output } from "../../../proto/generated/envoy/service/ext_proc/v3/HttpBody.ts";
import type { HttpHeaders__Output } from "../../../proto/generated/envoy/service/ext_proc/v3/HttpHeaders.ts";
import type { ProcessingRequest__Output } from "../../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import { continueResponse, immediateResponse, type Phase, readHeaderMap } from "./envoy-messages.ts";
import type {
  ExchangeAction,
  LocalReplies,
  RespondAction,
  StreamEndReason,
  StreamProcessor,
} from "./http-exchange.ts";
import type { StreamAdmission } from "./stream-admission.ts";

export type ProcessCall = ServerDuplexStream<ProcessingRequest__Output, ProcessingResponse>;

export interface StreamLoopDeps {
  readonly createProcessor: (metadata: ReadonlyMap<string, string>) => StreamProcessor;
  readonly replies: LocalReplies;
  readonly admission: StreamAdmission;
  readonly logger: Logger;
}

/**
 * Serves one ext_proc stream (one HTTP request). Messages are handled strictly in arrival order,
 * one answer each: Envoy pairs answers with what it sent by order, and in STREAMED mode it sends
 * chunks without waiting. The stream never ends with a gRPC error because of a request: with
 * failure_mode_allow=false that would be a bare 500 for the client; a problem is answered as an
 * immediate response in the caller's error shape instead.
 */
export function serveProcessStream(call: ProcessCall, deps: StreamLoopDeps): void {
  const admitted = deps.admission.tryOpenStream();
  const processor = admitted ? deps.createProcessor(callMetadata(call)) : undefined;
  let finished = false;
  // Set as soon as Envoy goes away, so messages already queued are not processed for nobody.
  let gone = false;
  let queue: Promise<void> = Promise.resolve();

  const finish = (reason: StreamEndReason): void => {
    if (finished) return;
    finished = true;
    if (admitted) deps.admission.closeStream();
    processor?.onStreamEnd(reason);
  };

  const send = (response: ProcessingResponse): void => {
    if (!call.writable || call.cancelled) return;
    call.write(response);
  };

  const refuse = (reply: RespondAction, reason: StreamEndReason): void => {
    send(immediateResponse(reply));
    finish(reason);
  };

  // `held` bytes were counted against the admission bound when the message arrived.
  const handle = async (message: ProcessingRequest__Output, held: number | undefined): Promise<void> => {
    if (finished || gone) return;
    if (!processor) return refuse(deps.replies.overloaded(), "responded");
    const phase = message.request;
    if (phase === undefined || phase === "request_trailers" || phase === "response_trailers") {
      // Trailers are configured SKIP; answering anything else would be a spurious reply.
      deps.logger.warn({ phase }, "ext_proc message the gateway does not process");
      return refuse(deps.replies.internalError(), "failed");
    }
    if (held === undefined) return refuse(deps.replies.overloaded(), "responded");
    try {
      const action = await dispatch(processor, message, phase);
      if (finished || gone) return;
      if (action.kind === "respond") refuse(action, "responded");
      else send(continueResponse(phase, action));
    } catch (error) {
      deps.logger.error({ err: error, phase }, "processor failed; answering 500 (fail closed)");
      refuse(deps.replies.internalError(), "failed");
    }
  };

  const enqueue = (task: () => void | Promise<void>): void => {
    queue = queue.then(task).catch((error: unknown) => {
      // Only a processor breaking its own contract (onStreamEnd throwing) gets here.
      deps.logger.error({ err: error }, "ext_proc stream task failed");
    });
  };

  call.on("data", (message: ProcessingRequest__Output) => {
    // Counted on arrival, not when its turn comes: Envoy sends STREAMED chunks without waiting for
    // answers, so the messages queued behind a slow one are what the bound must see.
    const bytes = bodyLength(message);
    const held = deps.admission.tryHoldBytes(bytes) ? bytes : undefined;
    enqueue(async () => {
      try {
        await handle(message, held);
      } finally {
        if (held !== undefined) deps.admission.releaseBytes(held);
      }
    });
  });
  call.on("end", () => {
    enqueue(() => {
      // grpc-js ends the readable side of a reset stream too, just before it reports the cancel.
      finish(gone || call.cancelled ? "cancelled" : "completed");
      if (call.writable) call.end();
    });
  });
  const leave = (): void => {
    gone = true;
    enqueue(() => finish("cancelled"));
  };
  call.on("cancelled", leave);
  call.on("error", (error: Error) => {
    deps.logger.debug({ err: error }, "ext_proc stream error");
    leave();
  });
}

function bodyLength(message: ProcessingRequest__Output): number {
  return (message.request_body?.body.length ?? 0) + (message.response_body?.body.length ?? 0);
}

const EMPTY_BODY = Buffer.alloc(0);

const headersOf = (part: HttpHeaders__Output | null | undefined) =>
  [readHeaderMap(part?.headers ?? null), part?.end_of_stream ?? false] as const;
const bodyOf = (part: HttpBody__Output | null | undefined) =>
  [part?.body ?? EMPTY_BODY, part?.end_of_stream ?? false] as const;

function dispatch(
  processor: StreamProcessor,
  message: ProcessingRequest__Output,
  phase: Phase,
): Promise<ExchangeAction> {
  switch (phase) {
    case "request_headers":
      return processor.onRequestHeaders(...headersOf(message.request_headers));
    case "request_body":
      return processor.onRequestBody(...bodyOf(message.request_body));
    case "response_headers":
      return processor.onResponseHeaders(...headersOf(message.response_headers));
    case "response_body":
      return processor.onResponseBody(...bodyOf(message.response_body));
  }
}

/** The call's string metadata (Envoy's grpc_service.initial_metadata), keys lower-cased. */
function callMetadata(call: ProcessCall): ReadonlyMap<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(call.metadata.getMap())) {
    if (typeof value === "string") entries.set(key.toLowerCase(), value);
  }
  return entries;
}
