import { pathToFileURL } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../proto/envoy-ext-proc.ts";
import type { ProcessingRequest__Output } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";

/**
 * The benchmark's floor: an ext_proc server on the gateway's own stack (grpc-js and the same proto
 * loading) that does no work, so the bench can separate the cost of gRPC from the gateway's own.
 */

/** The empty reply of the oneof Envoy waits for; an empty CommonResponse means "continue unchanged". */
export function noopReply(request: ProcessingRequest__Output): ProcessingResponse | undefined {
  const phase = request.request;
  // Envoy never sends an empty request, and any reply to one would be spurious.
  if (phase === undefined) return undefined;
  // Each phase of ProcessingRequest has the reply of the same name in ProcessingResponse.
  return { [phase]: {} };
}

export interface NoopExtProcServer {
  port: number;
  close(): Promise<void>;
}

export async function startNoopExtProcServer(host: string, port: number): Promise<NoopExtProcServer> {
  const server = new grpc.Server();
  const service = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor.service;
  server.addService(service, {
    Process: (call: grpc.ServerDuplexStream<ProcessingRequest__Output, ProcessingResponse>) => {
      call.on("data", (request: ProcessingRequest__Output) => {
        const reply = noopReply(request);
        if (reply) call.write(reply);
      });
      call.on("end", () => call.end());
      // A cancelled stream is normal (the client gave up); without a listener it would crash us.
      call.on("error", () => {});
    },
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    );
  });
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

async function main(): Promise<void> {
  const host = process.env.GATEWAY_GRPC_HOST ?? "127.0.0.1";
  const port = Number(process.env.GATEWAY_GRPC_PORT ?? "0");
  const server = await startNoopExtProcServer(host, Number.isInteger(port) ? port : 0);
  // The bench reads this line to learn the port; keep its format stable.
  console.log(`READY ${server.port}`);
  const stop = (): void => {
    server.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
