import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../../proto/envoy-ext-proc.ts";
import type { ProcessingRequest__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";

/** One gRPC stream as the scripted processor sees it. */
export interface ScriptedCall {
  received: ProcessingRequest__Output[];
  reply(response: ProcessingResponse): void;
  fail(code: grpc.status, details: string): void;
  finish(): void;
}

export type ProcessorScript = (message: ProcessingRequest__Output, call: ScriptedCall) => void;

export interface UpstreamStream {
  /** gRPC call metadata (the filter's initial_metadata). */
  metadata: Record<string, string>;
  received: ProcessingRequest__Output[];
}

export interface ScriptedProcessor {
  address: string;
  /** Streams of the router-level filter, in the order they opened. */
  streams: ProcessingRequest__Output[][];
  /** Streams of upstream (cluster-level) filters, in the order they opened. */
  upstreamStreams: UpstreamStream[];
  /** Every message as it arrived, "gateway:<phase>" or "upstream:<phase>": proves the order across streams. */
  arrivals: string[];
  close(): Promise<void>;
}

/** Upstream filters name their provider in call metadata (envoy.yaml initial_metadata); the router-level filter sends none. */
const UPSTREAM_METADATA_KEY = "x-gateway-provider";

/**
 * A real grpc-js ext_proc server whose behaviour is the test's script. Like the real processor, it
 * tells the two filters apart by call metadata: upstream filter streams run `upstreamScript`.
 */
export async function startScriptedProcessor(
  script: ProcessorScript,
  upstreamScript: ProcessorScript = continueAll,
): Promise<ScriptedProcessor> {
  const pkg = loadExtProcPackage();
  const server = new grpc.Server();
  const streams: ProcessingRequest__Output[][] = [];
  const upstreamStreams: UpstreamStream[] = [];
  const arrivals: string[] = [];
  server.addService(pkg.envoy.service.ext_proc.v3.ExternalProcessor.service, {
    Process: (call: grpc.ServerDuplexStream<ProcessingRequest__Output, ProcessingResponse>) => {
      const received: ProcessingRequest__Output[] = [];
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(call.metadata.getMap())) metadata[key] = String(value);
      const upstream = metadata[UPSTREAM_METADATA_KEY] !== undefined;
      if (upstream) upstreamStreams.push({ metadata, received });
      else streams.push(received);
      const run = upstream ? upstreamScript : script;
      const scripted: ScriptedCall = {
        received,
        reply: (response) => {
          if (!call.writableEnded && !call.cancelled) call.write(response);
        },
        fail: (code, details) => call.emit("error", { code, details }),
        finish: () => call.end(),
      };
      call.on("data", (message: ProcessingRequest__Output) => {
        received.push(message);
        arrivals.push(`${upstream ? "upstream" : "gateway"}:${message.request ?? "none"}`);
        run(message, scripted);
      });
      call.on("end", () => {
        if (!call.writableEnded) call.end();
      });
      call.on("error", () => {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    streams,
    upstreamStreams,
    arrivals,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** A processor that continues everything unchanged. */
export const continueAll: ProcessorScript = (message, call) => {
  const phase = message.request;
  if (phase === undefined) return;
  call.reply({ [phase]: { response: {} } });
};
