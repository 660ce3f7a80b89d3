import * as grpc from "@grpc/grpc-js";
import type { ExternalProcessorClient } from "../../proto/generated/envoy/service/ext_proc/v3/ExternalProcessor.ts";
import type { ProcessingRequest } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import { AsyncQueue } from "./async-queue.ts";

export type StreamEvent =
  | { kind: "reply"; message: ProcessingResponse__Output }
  | { kind: "error"; code: number; details: string }
  /** The processor ended the stream with OK. */
  | { kind: "closed" }
  | { kind: "timeout" }
  /** Something outside the stream (upstream body data) wants the consumer to look again. */
  | { kind: "wake" };

// After Envoy half-closes, a processor that never finishes the call is cancelled after this long.
const HALF_CLOSE_GRACE_MS = 2000;

/**
 * One ext_proc `Process` call, as Envoy's ExternalProcessorStreamImpl drives it: messages go out
 * as they are produced, every reply/status/timeout lands in one ordered event queue, and a single
 * message timer is restarted by each send that awaits a reply.
 */
export class ExtProcStream {
  readonly events = new AsyncQueue<StreamEvent>();
  private readonly call: grpc.ClientDuplexStream<ProcessingRequest, ProcessingResponse__Output>;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private halfClosed = false;

  constructor(
    client: ExternalProcessorClient,
    private readonly messageTimeoutMs: number,
    onDebug: (message: string) => void,
    metadata?: grpc.Metadata,
  ) {
    this.call = metadata === undefined ? client.Process() : client.Process(metadata);
    this.call.on("data", (message: ProcessingResponse__Output) =>
      this.events.push({ kind: "reply", message }),
    );
    this.call.on("status", (status: grpc.StatusObject) => {
      this.finished = true;
      this.stopTimer();
      if (status.code === grpc.status.OK) this.events.push({ kind: "closed" });
      else this.events.push({ kind: "error", code: status.code, details: status.details });
    });
    // The status event carries the outcome; the error event only needs a listener so it never throws.
    this.call.on("error", (error: Error) => onDebug(`ext_proc stream: ${error.message}`));
  }

  /** Every message the filter sends awaits a reply, so each one restarts the message timer. */
  send(request: ProcessingRequest): void {
    if (this.finished || this.halfClosed) return;
    this.call.write(request);
    this.startTimer();
  }

  startTimer(): void {
    this.stopTimer();
    this.timer = setTimeout(() => this.events.push({ kind: "timeout" }), this.messageTimeoutMs);
  }

  stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  wake(): void {
    this.events.push({ kind: "wake" });
  }

  /** Envoy's closeStream(): half-close; the processor is expected to finish the call. */
  close(): void {
    this.stopTimer();
    if (this.finished || this.halfClosed) return;
    this.halfClosed = true;
    this.call.end();
    const grace = setTimeout(() => this.cancel(), HALF_CLOSE_GRACE_MS);
    grace.unref();
    this.call.on("status", () => clearTimeout(grace));
  }

  cancel(): void {
    this.stopTimer();
    if (this.finished) return;
    this.call.cancel();
  }
}
