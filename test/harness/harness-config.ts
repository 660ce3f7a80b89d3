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
      cluster: string;
      timeoutMs: number;
      hostRewriteLiteral?: string;
      prefixRewrite?: string;
    }
  | { kind: "direct_response"; status: number; body: string };

export interface RouteEntry {
  match: RouteMatch;
  action: RouteAction;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  requestHeadersToRemove: string[];
  routes: RouteEntry[];
}

export interface RouteConfig {
  requestHeadersToRemove: string[];
  virtualHosts: VirtualHost[];
}

export interface ClusterEndpoint {
  /** Base URL such as http://127.0.0.1:8081 */
  url: string;
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
}
