import { Metadata } from "@grpc/grpc-js";
import { AttemptSink } from "./attempt-sink.ts";
import { BodyBuffer } from "./body-buffer.ts";
import { ExtProcFilter, type FilterContext } from "./ext-proc-filter.ts";
import type { ClusterEndpoint, UpstreamFilterSettings } from "./harness-config.ts";
import type { HeaderMap } from "./header-map.ts";
import type { ResponseSource } from "./router.ts";
import { type ResetReason, sendUpstream, type UpstreamCall } from "./upstream-request.ts";

export type AttemptResult =
  /** Response headers reached the router (after the upstream filters). */
  | { kind: "response"; source: ResponseSource }
  /** A local reply of an upstream filter: final, the router never sees it (no retry). */
  | { kind: "local"; source: ResponseSource }
  | { kind: "reset"; reason: ResetReason; transportFailure: string };

export interface RunningAttempt {
  result: Promise<AttemptResult>;
  abort(): void;
}

export interface AttemptRequest {
  cluster: ClusterEndpoint;
  /** The router's request header map. Shared across attempts, as in Envoy: upstream filter mutations persist. */
  headers: HeaderMap;
  /** A copy of the buffered request body, as the router replays it on every attempt. */
  body: Buffer | undefined;
  bufferLimitBytes: number;
  /** Builds the filter context for one upstream ext_proc filter (client, status numbers, debug). */
  filterContext: (settings: UpstreamFilterSettings, metadata: Metadata) => FilterContext;
}

function callMetadata(settings: UpstreamFilterSettings): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of settings.initialMetadata) metadata.add(key, value);
  return metadata;
}

/**
 * One upstream request: the cluster's upstream ext_proc filters (each a new Process stream) in
 * order on the request, the codec, then the filters in reverse order on the response.
 */
export function startAttempt(request: AttemptRequest): RunningAttempt {
  const method = request.headers.get(":method") ?? "GET";
  const settings = request.cluster.upstreamFilters ?? [];
  let upstream: UpstreamCall | undefined;
  let aborted = false;
  const sinks: AttemptSink[] = [];
  const filters: ExtProcFilter[] = [];
  // Aborting below filter `from` leaves the filters above it able to answer with a local reply.
  const abortFrom = (from: number) => {
    for (const filter of filters.slice(from)) filter.abort();
    for (const sink of sinks.slice(from)) sink.abandon();
    upstream?.abort();
  };
  const abort = () => {
    aborted = true;
    abortFrom(0);
  };
  for (const [index, filterSettings] of settings.entries()) {
    const sink = new AttemptSink(request.bufferLimitBytes, method, () => abortFrom(index + 1));
    sinks.push(sink);
    filters.push(
      new ExtProcFilter(request.filterContext(filterSettings, callMetadata(filterSettings)), sink),
    );
  }

  const run = async (): Promise<AttemptResult> => {
    let body = request.body;
    for (const [index, filter] of filters.entries()) {
      const noBody = body === undefined;
      const buffer = BodyBuffer.fixed(body ?? Buffer.alloc(0));
      // clear_route_cache is ignored in upstream filters: the route was chosen before this attempt.
      const result = await filter.processRequest(request.headers, buffer, noBody, () => {});
      if (result.kind === "replied") {
        const outcome = await sinks[index]?.outcome;
        if (outcome?.kind === "local") return { kind: "local", source: outcome.source };
        return { kind: "reset", reason: "local reset", transportFailure: "" };
      }
      body = result.body;
    }
    if (aborted) return { kind: "reset", reason: "local reset", transportFailure: "" };
    upstream = sendUpstream(request.cluster.url, request.headers, body, request.bufferLimitBytes);
    const codecOutcome = await upstream.outcome;
    if (codecOutcome.kind === "reset") {
      for (const filter of filters) filter.abort();
      return codecOutcome;
    }
    let source = codecOutcome.source;
    for (let index = filters.length - 1; index >= 0; index--) {
      const below = source;
      filters[index]?.processResponse(below).catch(() => below.abort());
      const outcome = await sinks[index]?.outcome;
      if (outcome === undefined || outcome.kind === "reset")
        return { kind: "reset", reason: "local reset", transportFailure: "" };
      // A buffering filter answers an upstream reset mid-body with a local reply; in Envoy the
      // reset reaches the router first (awaiting headers), which may retry it.
      if (outcome.kind === "local" && below.body.failed)
        return { kind: "reset", reason: "connection termination", transportFailure: "" };
      if (outcome.kind === "local") return outcome;
      source = outcome.source;
    }
    return { kind: "response", source: { ...source, abort } };
  };
  return { result: run(), abort };
}
