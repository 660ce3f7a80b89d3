import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "pino";
import { loadExtProcPackage } from "../../../proto/envoy-ext-proc.ts";
import { type ProcessCall, serveProcessStream } from "./ext-proc-stream.ts";
import type { LocalReplies, StreamProcessor } from "./http-exchange.ts";
import { StreamAdmission } from "./stream-admission.ts";

export const EXT_PROC_SERVICE_NAME = "envoy.service.ext_proc.v3.ExternalProcessor";

export interface ExtProcServerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConcurrentStreams: number;
  readonly maxHeldBodyBytes: number;
  /** Largest single gRPC message accepted: Envoy's buffered body plus room for headers. */
  readonly maxMessageBytes: number;
  /** Builds the processor for one stream from the gRPC call metadata (set per filter in Envoy). */
  readonly createProcessor: (metadata: ReadonlyMap<string, string>) => StreamProcessor;
  readonly replies: LocalReplies;
  readonly logger: Logger;
}

export interface RunningExtProcServer {
  readonly port: number;
  readonly admission: StreamAdmission;
  /** Marks the server NOT_SERVING, lets open streams finish for up to `graceMs`, then closes. */
  shutdown(graceMs: number): Promise<void>;
}

export async function startExtProcServer(options: ExtProcServerOptions): Promise<RunningExtProcServer> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": options.maxMessageBytes,
    "grpc.max_send_message_length": options.maxMessageBytes,
    // Per-call channelz bookkeeping is measurable at thousands of streams per second.
    "grpc.enable_channelz": 0,
  });
  const admission = new StreamAdmission(options.maxConcurrentStreams, options.maxHeldBodyBytes);
  const health = new HealthImplementation({ "": "SERVING", [EXT_PROC_SERVICE_NAME]: "SERVING" });
  health.addToServer(server);

  const extProc = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor;
  server.addService(extProc.service, {
    Process: (call: ProcessCall) =>
      serveProcessStream(call, {
        createProcessor: options.createProcessor,
        replies: options.replies,
        admission,
        logger: options.logger,
      }),
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });

  const shutdown = (graceMs: number): Promise<void> =>
    new Promise((resolve) => {
      health.setStatus("", "NOT_SERVING");
      health.setStatus(EXT_PROC_SERVICE_NAME, "NOT_SERVING");
      const timer = setTimeout(() => {
        options.logger.warn(admission.snapshot(), "shutdown grace period over; closing open streams");
        server.forceShutdown();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  return { port, admission, shutdown };
}
