/** Shapes of the parts of envoy/envoy.yaml that the harness emulates. */

export type HeaderSendMode = "SEND" | "SKIP";
export type BodySendMode = "NONE" | "STREAMED" | "BUFFERED" | "BUFFERED_PARTIAL";

export interface ProcessingModeSettings {
  requestHeaderMode: HeaderSendMode;
  responseHeaderMode: HeaderSendMode;
  requestBodyMode: BodySendMode;
  responseBodyMode: BodySendMode;
  requestTrailerMode: HeaderSendMode;
  responseTrailerMode: HeaderSendMode;
}

export interface ExtProcFilterSettings {
  processingMode: ProcessingModeSettings;
  /** Per-message deadline; Envoy's default is 200 ms. */
  messageTimeoutMs: number;
  failureModeAllow: boolean;
  allowModeOverride: boolean;
  /** HTTP status of the local reply on processor errors (Envoy default 500). */
  statusOnError: number;
  /** From mutation_rules.disallow_is_error: a disallowed mutation fails the request instead of being skipped. */
  disallowIsError: boolean;
}

export type HeaderStringMatch =
  | { kind: "exact"; value: string }
  | { kind: "prefix"; value: string }
  | { kind: "suffix"; value: string }
  | { kind: "contains"; value: string }
  | { kind: "present"; present: boolean };

export interface HeaderMatcher {
  name: string;
  match: HeaderStringMatch;
  invert: boolean;
}

export interface RouteMatch {
  prefix?: string;
  path?: string;
  headers: HeaderMatcher[];
}

export type RouteAction =
  | {
      kind: "cluster";
      /** The route's `cluster`; empty when it has `weighted_clusters`. */
      cluster: string;
      /** `weighted_clusters`: one is picked per request, by weight (Envoy: random value % total weight). */
      weightedClusters?: WeightedCluster[];
      timeoutMs: number;
      hostRewriteLiteral?: string;
      prefixRewrite?: string;
      retryPolicy?: RetryPolicy;
    }
  | { kind: "direct_response"; status: number; body: string };

export interface WeightedCluster {
  name: string;
  weight: number;
}

export interface RouteEntry {
  match: RouteMatch;
  action: RouteAction;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  requestHeadersToRemove: string[];
  routes: RouteEntry[];
  /** include_request_attempt_count: x-envoy-attempt-count on every upstream request. */
  includeRequestAttemptCount: boolean;
  /** include_attempt_count_in_response: x-envoy-attempt-count on the router's responses. */
  includeAttemptCountInResponse: boolean;
}

/** The retry_on conditions the harness understands (Envoy's names). */
export type RetryOn =
  | "5xx"
  | "gateway-error"
  | "reset"
  | "connect-failure"
  | "retriable-4xx"
  | "retriable-status-codes";

export interface RetryPolicy {
  retryOn: Set<RetryOn>;
  retriableStatusCodes: number[];
  /** Envoy's default is 1 when a retry_policy is present. */
  numRetries: number;
  /** 0: no per-try timeout. */
  perTryTimeoutMs: number;
  /** retry_back_off.base_interval (Envoy default 25 ms). */
  baseIntervalMs: number;
  /** retry_priority envoy.retry_priorities.previous_priorities; undefined when absent. */
  previousPriorities?: { updateFrequency: number };
}

export interface RouteConfig {
  requestHeadersToRemove: string[];
  virtualHosts: VirtualHost[];
}

export interface ClusterEndpoint {
  /** Base URL such as http://127.0.0.1:8081 */
  url: string;
  /** The cluster's outlier_detection; undefined when it has none (its host is never ejected). */
  outlierDetection?: OutlierDetectionSettings;
  /** ext_proc filters from typed_extension_protocol_options ... HttpProtocolOptions.http_filters, in order. */
  upstreamFilters?: UpstreamFilterSettings[];
}

/** The outlier_detection fields the harness emulates, with Envoy's defaults for missing ones. */
export interface OutlierDetectionSettings {
  /** consecutive_5xx (default 5). */
  consecutive5xx: number;
  /** consecutive_gateway_failure (default 5): 502, 503, 504 and local-origin failures. */
  consecutiveGatewayFailure: number;
  /** enforcing_consecutive_5xx (default 100), in percent. */
  enforcingConsecutive5xx: number;
  /** enforcing_consecutive_gateway_failure (default 0): counted, but ejects only when above 0. */
  enforcingConsecutiveGatewayFailure: number;
  /** interval (default 10s): ejections end at the first sweep after their time is up. */
  intervalMs: number;
  /** base_ejection_time (default 30s), multiplied by the host's ejection count. */
  baseEjectionTimeMs: number;
  /** max_ejection_time (default 300s): the cap of one ejection. */
  maxEjectionTimeMs: number;
  /** max_ejection_percent (default 10) of the cluster's hosts may be ejected at once. */
  maxEjectionPercent: number;
}

export interface UpstreamFilterSettings extends ExtProcFilterSettings {
  name: string;
  /** grpc_service.initial_metadata, sent as gRPC call metadata on every Process stream. */
  initialMetadata: Array<[string, string]>;
}

export interface HarnessConfig {
  bufferLimitBytes: number;
  generateRequestId: boolean;
  preserveExternalRequestId: boolean;
  /** HCM always_set_request_id_in_response: the client sees x-request-id on every answer. */
  alwaysSetRequestIdInResponse: boolean;
  routeConfig: RouteConfig;
  extProc: ExtProcFilterSettings;
  clusters: Record<string, ClusterEndpoint>;
  /** Aggregate cluster name -> its clusters, in priority order. */
  aggregateClusters: Record<string, string[]>;
}
