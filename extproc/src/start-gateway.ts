import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { PolicyStore } from "./adapters/opa/policy-store.ts";
import type { GatewayConfig } from "./config.ts";
import type { AttemptSink } from "./pipeline/attempt-record.ts";
import type { AuditSink } from "./pipeline/audit-record.ts";
import { callerErrorResponse } from "./pipeline/caller-error-response.ts";
import { GatewayExchange } from "./pipeline/gateway-exchange.ts";
import type { Clock, IdGenerator } from "./pipeline/ports.ts";
import { ProviderAttempt } from "./pipeline/provider-attempt.ts";
import { startExtProcServer } from "./protocol/ext-proc-server.ts";
import type { LocalReplies } from "./protocol/http-exchange.ts";
import { loadProviderKeys, PROVIDER_ADAPTERS } from "./provider-adapters.ts";

/** gRPC metadata key that Envoy's per-provider upstream filter sends (envoy/envoy.yaml). */
export const PROVIDER_METADATA_KEY = "x-gateway-provider";

export interface RunningGateway {
  readonly port: number;
  readonly policies: PolicyStore;
  /** Stops taking streams, lets open ones finish within the grace period, flushes both audit sinks. */
  close(): Promise<void>;
}

export interface GatewayParts {
  /** One row per request (the decision filter). */
  readonly audit: AuditSink;
  /** One row per provider attempt (the per-attempt translate filter). */
  readonly attempts: AttemptSink;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
}

const systemClock: Clock = { nowMs: () => Date.now() };
const randomIds: IdGenerator = { newId: () => randomUUID() };

/** Wires the gateway: policy store, pipeline, ext_proc server. The caller owns the audit sinks. */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  parts: GatewayParts,
): Promise<RunningGateway> {
  const policies = await PolicyStore.open(config.bundle.path, config.bundle.pollMs, logger);
  const clock = parts.clock ?? systemClock;
  const ids = parts.ids ?? randomIds;
  const credentials = loadProviderKeys(config.providerKeys);
  const piiHmacKey = config.piiHmacKey ? Buffer.from(config.piiHmacKey, "utf8") : undefined;
  if (!piiHmacKey) logger.warn("GATEWAY_PII_HMAC_KEY is not set: the `hash` PII action redacts instead");
  const replies: LocalReplies = {
    overloaded: () =>
      // Answered before any request is read, so the caller's API is not known: OpenAI's shape.
      callerErrorResponse(
        { code: "overloaded", message: "the gateway is at capacity; retry shortly" },
        "unknown",
        ids.newId(),
      ),
    internalError: () =>
      callerErrorResponse(
        { code: "internal_error", message: "the gateway failed to process the request" },
        "unknown",
        ids.newId(),
      ),
  };
  const server = await startExtProcServer({
    host: config.grpc.host,
    port: config.grpc.port,
    maxConcurrentStreams: config.limits.maxConcurrentStreams,
    maxHeldBodyBytes: config.limits.maxHeldBodyBytes,
    maxMessageBytes: config.limits.maxBodyBytes + 1024 * 1024,
    createProcessor: (metadata) => {
      // The per-attempt "translate" filter of each provider cluster names its provider.
      const provider = metadata.get(PROVIDER_METADATA_KEY);
      if (provider !== undefined) {
        return new ProviderAttempt({
          provider,
          policies,
          adapters: PROVIDER_ADAPTERS,
          credentials,
          maxBodyBytes: config.limits.maxBodyBytes,
          logger,
          recording: { sink: parts.attempts, clock },
        });
      }
      return new GatewayExchange({
        policies,
        audit: parts.audit,
        clock,
        ids,
        maxBodyBytes: config.limits.maxBodyBytes,
        piiHmacKey,
        logger,
      });
    },
    replies,
    logger,
  });
  logger.info(
    { port: server.port, revision: policies.current().revision },
    "gateway ext_proc server listening",
  );

  return {
    port: server.port,
    policies,
    close: async () => {
      await server.shutdown(config.shutdownGraceMs);
      policies.close();
      await Promise.all([parts.audit.flush(), parts.attempts.flush()]);
    },
  };
}
