import type http from "node:http";
import type { ProcessingRequest__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import { startMockServer } from "../demo/mock-server/start-mock-server.ts";
import { type EnvoyHarness, startEnvoyHarness } from "./envoy-harness.ts";
import type { ExtProcFilterSettings } from "./harness-config.ts";
import {
  continueAll,
  type ProcessorScript,
  type ScriptedProcessor,
  startScriptedProcessor,
} from "./scripted-processor.ts";

export * from "./scripted-processor.ts";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RecordingUpstream {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type UpstreamHandler = (req: RecordedRequest, res: http.ServerResponse) => void;

// Far above any body the harness tests send: they never meet the mock server's cut-off.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const defaultHandler: UpstreamHandler = (req, res) => {
  const body = JSON.stringify({ upstream: true, path: req.url });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
};

/** A tiny upstream that records what reaches it (on the mock providers' server plumbing). */
export async function startRecordingUpstream(
  handler: UpstreamHandler = defaultHandler,
): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const server = await startMockServer(
    { maxBodyBytes: MAX_BODY_BYTES, record: false },
    async (request, res) => {
      const recorded = {
        method: request.method,
        url: request.path,
        headers: request.headers,
        body: request.body.toString(),
      };
      requests.push(recorded);
      handler(recorded, res);
    },
  );
  return { url: server.url, requests, close: server.close };
}

export function header(name: string, value: string) {
  return { header: { key: name, raw_value: Buffer.from(value) } };
}

/** Decodes a headers message into [name, value] pairs. */
export function headerPairs(message: ProcessingRequest__Output | undefined): Array<[string, string]> {
  const headers = message?.request_headers ?? message?.response_headers;
  return (headers?.headers?.headers ?? []).map((h) => [h.key, h.raw_value.toString("latin1")]);
}

export interface Rig {
  harness: EnvoyHarness;
  processor: ScriptedProcessor;
  upstream: RecordingUpstream;
  close(): Promise<void>;
}

/** Harness on envoy/envoy.yaml + scripted processor + recording upstream as provider_demo. */
export async function startRig(
  script: ProcessorScript,
  options: {
    upstream?: UpstreamHandler;
    overrides?: Partial<ExtProcFilterSettings>;
    /** What upstream (cluster-level) filter streams run; they continue everything by default. */
    upstreamScript?: ProcessorScript;
  } = {},
): Promise<Rig> {
  const processor = await startScriptedProcessor(script, options.upstreamScript);
  const upstream = await startRecordingUpstream(options.upstream);
  const harness = await startEnvoyHarness({
    envoyConfigPath: new URL("../../envoy/envoy.yaml", import.meta.url).pathname,
    processorAddress: processor.address,
    clusters: { provider_demo: upstream.url, provider_openai: upstream.url },
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  return {
    harness,
    processor,
    upstream,
    close: async () => {
      await harness.close();
      await upstream.close();
      await processor.close();
    },
  };
}

/** The router-level script: routes every request with x-gateway-route (clear_route_cache), continues the rest. */
export function routeTo(route: string): ProcessorScript {
  return (message, call) => {
    if (message.request === "request_headers") {
      call.reply({
        request_headers: {
          response: {
            header_mutation: { set_headers: [header("x-gateway-route", route)] },
            clear_route_cache: true,
          },
        },
      });
    } else continueAll(message, call);
  };
}

/** Routes every request to the demo cluster, otherwise continues. */
export const routeToDemo: ProcessorScript = routeTo("demo");
