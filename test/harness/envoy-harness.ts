import { randomInt } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../../proto/envoy-ext-proc.ts";
import { readEnvoyConfig } from "./envoy-config-reader.ts";
import type { FilterContext } from "./ext-proc-filter.ts";
import type { ExtProcFilterSettings, HarnessConfig, RouteConfig } from "./harness-config.ts";
import { handleRequest, type RouterShared } from "./http-front.ts";
import { loadStatusCodeNumbers } from "./http-status-codes.ts";
import { OutlierDetectors } from "./outlier-detection.ts";

export type { ExtProcFilterSettings, HarnessConfig } from "./harness-config.ts";

export interface EnvoyHarnessOptions {
  /** envoy/envoy.yaml */
  envoyConfigPath: string;
  /** "127.0.0.1:50051" (gRPC, insecure) */
  processorAddress: string;
  /** Cluster name -> base URL; overrides the addresses in the file (e.g. docker hostnames). */
  clusters: Record<string, string>;
  /** HTTP front port; 0 or undefined picks an ephemeral port. */
  port?: number;
  /** Replaces ext_proc filter settings read from the file, e.g. { messageTimeoutMs: 200 }. */
  overrides?: Partial<ExtProcFilterSettings>;
  /** The same for every upstream (cluster-level) ext_proc filter. */
  upstreamOverrides?: Partial<ExtProcFilterSettings>;
  /**
   * Replaces every per_try_timeout the file configures (routes without one keep none), so a test
   * waits milliseconds where production waits seconds, without editing envoy.yaml.
   */
  perTryTimeoutMs?: number;
  /**
   * The random value Envoy draws per request (its stream id), which picks among weighted_clusters:
   * inject a sequence for deterministic tests. Default: uniformly random 32-bit values.
   */
  randomValue?: () => number;
  /** The clock of outlier detection (ejections and their end); inject one to move time in tests. */
  now?: () => number;
  /** Writes harness-side diagnostics to stderr. */
  debug?: boolean;
}

export interface EnvoyHarness {
  url: string;
  port: number;
  /** The configuration in effect (file + options), for tests that assert against it. */
  config: HarnessConfig;
  close(): Promise<void>;
}

function withPerTryTimeout(routeConfig: RouteConfig, perTryTimeoutMs: number): RouteConfig {
  const virtualHosts = routeConfig.virtualHosts.map((host) => ({
    ...host,
    routes: host.routes.map((route) => {
      const action = route.action;
      if (action.kind !== "cluster" || !action.retryPolicy?.perTryTimeoutMs) return route;
      return { ...route, action: { ...action, retryPolicy: { ...action.retryPolicy, perTryTimeoutMs } } };
    }),
  }));
  return { ...routeConfig, virtualHosts };
}

/** Starts an HTTP/1.1 front that behaves like the Envoy listener in envoy.yaml, in front of the processor. */
export async function startEnvoyHarness(options: EnvoyHarnessOptions): Promise<EnvoyHarness> {
  const fileConfig = await readEnvoyConfig(options.envoyConfigPath);
  const clusters = { ...fileConfig.clusters };
  // Only the address is replaced: the cluster keeps its upstream filters.
  for (const [name, url] of Object.entries(options.clusters)) clusters[name] = { ...clusters[name], url };
  const config: HarnessConfig = {
    ...fileConfig,
    routeConfig:
      options.perTryTimeoutMs === undefined
        ? fileConfig.routeConfig
        : withPerTryTimeout(fileConfig.routeConfig, options.perTryTimeoutMs),
    clusters,
    extProc: { ...fileConfig.extProc, ...options.overrides },
  };
  const debug = options.debug
    ? (message: string) => process.stderr.write(`[envoy-harness] ${message}\n`)
    : () => {};

  const extProc = loadExtProcPackage();
  const client = new extProc.envoy.service.ext_proc.v3.ExternalProcessor(
    options.processorAddress,
    grpc.credentials.createInsecure(),
    // Envoy's gRPC client sets no receive limit (EnvoyGrpc.max_receive_message_length defaults to
    // 0, unlimited); grpc-js's default of 4 MiB would refuse a buffered body the processor replaces.
    { "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1 },
  );
  const filterContext: FilterContext = {
    settings: config.extProc,
    client,
    statusNumbers: loadStatusCodeNumbers(),
    debug,
  };
  // Upstream filters reach the same processor address (their grpc_service names the extproc cluster).
  const upstreamFilterContext = (
    settings: ExtProcFilterSettings,
    metadata: grpc.Metadata,
  ): FilterContext => ({
    ...filterContext,
    settings: { ...settings, ...options.upstreamOverrides },
    metadata,
  });

  const shared: RouterShared = {
    outliers: new OutlierDetectors(config.clusters, options.now),
    randomValue: options.randomValue ?? (() => randomInt(2 ** 32)),
  };
  const server = http.createServer((req, res) => {
    handleRequest(req, res, config, filterContext, shared, upstreamFilterContext).catch((error: unknown) => {
      debug(`request failed inside the harness: ${error instanceof Error ? error.stack : String(error)}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { server: "envoy", "content-length": "0" });
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    config,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.close();
    },
  };
}
