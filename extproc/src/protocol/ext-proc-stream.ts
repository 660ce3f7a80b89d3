import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { ProcessingRequest__Output } from "../../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import { continueResponse, immediateResponse, type Phase, readHeaderMap } from "./envoy-messages.ts";
import type { ExchangeAction, LocalReplies, StreamEndReason, StreamProcessor } from "./http-exchange.ts";
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

  const handle = async (message: ProcessingRequest__Output): Promise<void> => {
    if (finished) return;
    if (!processor) {
      send(immediateResponse(deps.replies.overloaded()));
      finish("responded");
      return;
    }
    const phase = message.request;
    if (phase === undefined || phase === "request_trailers" || phase === "response_trailers") {
      // Trailers are configured SKIP; answering anything else would be a spurious reply.
      deps.logger.warn({ phase }, "ext_proc message the gateway does not process");
      send(immediateResponse(deps.replies.internalError()));
      finish("failed");
      return;
    }
    const bodyBytes = bodyLength(message);
    if (!deps.admission.tryHoldBytes(bodyBytes)) {
      send(immediateResponse(deps.replies.overloaded()));
      finish("responded");
      return;
    }
    try {
      const action = await dispatch(processor, message, phase);
      if (finished) return;
      if (action.kind === "respond") {
        send(immediateResponse(action));
        finish("responded");
      } else {
        send(continueResponse(phase, action));
      }
    } catch (error) {
      deps.logger.error({ err: error, phase }, "processor failed; answering 500 (fail closed)");
      send(immediateResponse(deps.replies.internalError()));
      finish("failed");
    } finally {
      deps.admission.releaseBytes(bodyBytes);
    }
  };

  call.on("data", (message: ProcessingRequest__Output) => {
    queue = queue.then(() => handle(message));
  });
  call.on("end", () => {
    queue = queue.then(() => {
      finish("completed");
      if (call.writable) call.end();
    });
  });
  call.on("cancelled", () => {
    queue = queue.then(() => finish("cancelled"));
  });
  call.on("error", (error: Error) => {
    deps.logger.debug({ err: error }, "ext_proc stream error");
    queue = queue.then(() => finish("cancelled"));
  });
}

function bodyLength(message: ProcessingRequest__Output): number {
  return (message.request_body?.body.length ?? 0) + (message.response_body?.body.length ?? 0);
}

function dispatch(
  processor: StreamProcessor,
  message: ProcessingRequest__Output,
  phase: Phase,
): Promise<ExchangeAction> {
  switch (phase) {
    case "request_headers": {
      const headers = message.request_headers;
      return processor.onRequestHeaders(
        readHeaderMap(headers?.headers ?? null),
        headers?.end_of_stream ?? false,
      );
    }
    case "request_body": {
      const body = message.request_body;
      return processor.onRequestBody(body?.body ?? Buffer.alloc(0), body?.end_of_stream ?? false);
    }
    case "response_headers": {
      const headers = message.response_headers;
      return processor.onResponseHeaders(
        readHeaderMap(headers?.headers ?? null),
        headers?.end_of_stream ?? false,
      );
    }
    case "response_body": {
      const body = message.response_body;
      return processor.onResponseBody(body?.body ?? Buffer.alloc(0), body?.end_of_stream ?? false);
    }
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
