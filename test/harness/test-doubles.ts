import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ProcessingRequest__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import {
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

const defaultHandler: UpstreamHandler = (req, res) => {
  const body = JSON.stringify({ upstream: true, path: req.url });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
};

/** A tiny upstream that records what reaches it. */
export async function startRecordingUpstream(
  handler: UpstreamHandler = defaultHandler,
): Promise<RecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
  harness: import("./envoy-harness.ts").EnvoyHarness;
  processor: ScriptedProcessor;
  upstream: RecordingUpstream;
  close(): Promise<void>;
}

/** Harness on envoy/envoy.yaml + scripted processor + recording upstream as provider_demo. */
export async function startRig(
  script: ProcessorScript,
  options: {
    upstream?: UpstreamHandler;
    overrides?: Partial<import("./harness-config.ts").ExtProcFilterSettings>;
    /** What upstream (cluster-level) filter streams run; they continue everything by default. */
    upstreamScript?: ProcessorScript;
  } = {},
): Promise<Rig> {
  const { startEnvoyHarness } = await import("./envoy-harness.ts");
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

/** Routes every request to the demo cluster, otherwise continues. */
export const routeToDemo: ProcessorScript = (message, call) => {
  if (message.request === "request_headers") {
    call.reply({
      request_headers: {
        response: {
          header_mutation: { set_headers: [header("x-gateway-route", "demo")] },
          clear_route_cache: true,
        },
      },
    });
  } else if (message.request !== undefined) {
    call.reply({ [message.request]: { response: {} } });
  }
};
