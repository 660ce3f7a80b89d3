import type { BodySendMode, ExtProcFilterSettings, HeaderSendMode } from "./harness-config.ts";
import { bool, durationToMs, num, type Obj, obj } from "./yaml-values.ts";

export const EXT_PROC_TYPE = "envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
// Envoy's default when message_timeout is left out.
const DEFAULT_MESSAGE_TIMEOUT_MS = 200;

function headerMode(value: unknown, fallback: HeaderSendMode): HeaderSendMode {
  return value === "SEND" || value === "SKIP" ? value : fallback;
}
function bodyMode(value: unknown): BodySendMode {
  return value === "STREAMED" || value === "BUFFERED" || value === "BUFFERED_PARTIAL" ? value : "NONE";
}

/** One ExternalProcessor typed_config, downstream (HCM http_filters) or upstream (cluster http_filters). */
export function readExtProc(config: Obj): ExtProcFilterSettings {
  const mode = obj(config.processing_mode);
  const statusOnError = num(obj(config.status_on_error).code, 500);
  return {
    processingMode: {
      requestHeaderMode: headerMode(mode.request_header_mode, "SEND"),
      responseHeaderMode: headerMode(mode.response_header_mode, "SEND"),
      requestBodyMode: bodyMode(mode.request_body_mode),
      responseBodyMode: bodyMode(mode.response_body_mode),
      requestTrailerMode: headerMode(mode.request_trailer_mode, "SKIP"),
      responseTrailerMode: headerMode(mode.response_trailer_mode, "SKIP"),
    },
    messageTimeoutMs: durationToMs(config.message_timeout, DEFAULT_MESSAGE_TIMEOUT_MS),
    failureModeAllow: bool(config.failure_mode_allow, false),
    allowModeOverride: bool(config.allow_mode_override, false),
    statusOnError: statusOnError > 0 ? statusOnError : 500,
    disallowIsError: bool(obj(config.mutation_rules).disallow_is_error, false),
  };
}
