import { freeLoopbackPort } from "../support/free-port.ts";
import { type EnvoyHarness, type EnvoyHarnessOptions, startEnvoyHarness } from "./envoy-harness.ts";
import {
  type ProcessorScript,
  type RecordingUpstream,
  type ScriptedProcessor,
  startRecordingUpstream,
  startScriptedProcessor,
  type UpstreamHandler,
} from "./test-doubles.ts";

/**
 * Harness on fixtures/failover.yaml: provider_a (with outlier detection) and provider_b (upstream
 * filter each), alias_smart over both, alias_ab and alias_ba behind the weighted route "balanced".
 */
export interface FailoverRig {
  harness: EnvoyHarness;
  processor: ScriptedProcessor;
  a: RecordingUpstream;
  b: RecordingUpstream;
  close(): Promise<void>;
}

export const answer =
  (status: number, body = `{"status":${status}}`): UpstreamHandler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };

/** Never answers: the per-try timeout has to end the attempt. */
export const hang: UpstreamHandler = () => {};

/** A port with nothing listening: connecting to it is refused. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freeLoopbackPort()}`;
}

export async function startFailoverRig(options: {
  gateway: ProcessorScript;
  upstreamScript?: ProcessorScript;
  a?: UpstreamHandler;
  b?: UpstreamHandler;
  /** Replaces provider_a's address (e.g. refusedUrl()). */
  aUrl?: string;
  harness?: Pick<EnvoyHarnessOptions, "randomValue" | "now" | "perTryTimeoutMs">;
}): Promise<FailoverRig> {
  const processor = await startScriptedProcessor(options.gateway, options.upstreamScript);
  const a = await startRecordingUpstream(options.a);
  const b = await startRecordingUpstream(options.b);
  const harness = await startEnvoyHarness({
    envoyConfigPath: new URL("./fixtures/failover.yaml", import.meta.url).pathname,
    processorAddress: processor.address,
    clusters: { provider_a: options.aUrl ?? a.url, provider_b: b.url },
    ...options.harness,
  });
  return {
    harness,
    processor,
    a,
    b,
    close: async () => {
      await harness.close();
      await a.close();
      await b.close();
      await processor.close();
    },
  };
}
