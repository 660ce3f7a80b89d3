import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
/** A ClickHouse database or table name, usable in SQL without quoting. */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/);

/** The processor's configuration, read once from the environment at start and then frozen. */
const GatewayEnv = z.object({
  GATEWAY_GRPC_HOST: z.string().default("0.0.0.0"),
  GATEWAY_GRPC_PORT: port.default(50051),
  GATEWAY_BUNDLE_PATH: z.string().min(1).default("policies/build/bundle.tar.gz"),
  GATEWAY_BUNDLE_POLL_MS: z.coerce.number().int().nonnegative().default(5000),
  GATEWAY_CLICKHOUSE_URL: z.union([z.literal(""), z.url()]).default(""),
  GATEWAY_CLICKHOUSE_DATABASE: identifier.default("gateway"),
  GATEWAY_CLICKHOUSE_TABLE: identifier.default("audit_events"),
  GATEWAY_CLICKHOUSE_ATTEMPTS_TABLE: identifier.default("audit_attempts"),
  GATEWAY_CLICKHOUSE_USER: z.string().default("default"),
  GATEWAY_CLICKHOUSE_PASSWORD: z.string().default(""),
  GATEWAY_AUDIT_SPOOL_DIR: z.string().min(1).default(".gateway/spool"),
  GATEWAY_AUDIT_BATCH_SIZE: positiveInt.default(500),
  GATEWAY_AUDIT_FLUSH_MS: positiveInt.default(1000),
  GATEWAY_MAX_BODY_BYTES: positiveInt.default(8 * 1024 * 1024),
  GATEWAY_MAX_CONCURRENT_STREAMS: positiveInt.default(4096),
  GATEWAY_MAX_HELD_BODY_BYTES: positiveInt.default(256 * 1024 * 1024),
  GATEWAY_SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  GATEWAY_PII_HMAC_KEY: z.string().min(16, "use at least 16 characters").optional(),
  GATEWAY_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface GatewayConfig {
  readonly grpc: { readonly host: string; readonly port: number };
  readonly bundle: { readonly path: string; readonly pollMs: number };
  readonly audit: {
    /** null: no ClickHouse configured; rows are kept in the spool. */
    readonly clickhouse: {
      readonly url: string;
      readonly database: string;
      readonly table: string;
      /** One row per provider attempt (retries and failover included). */
      readonly attemptsTable: string;
      readonly username: string;
      readonly password: string;
    } | null;
    readonly spoolDir: string;
    readonly batchSize: number;
    readonly flushIntervalMs: number;
  };
  readonly limits: {
    readonly maxBodyBytes: number;
    readonly maxConcurrentStreams: number;
    readonly maxHeldBodyBytes: number;
  };
  /**
   * Provider API keys: GATEWAY_PROVIDER_KEY_<PROVIDER>=<key> or GATEWAY_PROVIDER_KEY_FILE_<PROVIDER>=<path>
   * (a mounted secret). Provider names are the lower-cased suffix.
   */
  readonly providerKeys: readonly ProviderKeySource[];
  /** Key of the `hash` PII action's HMAC; without it `hash` redacts. */
  readonly piiHmacKey: string | undefined;
  readonly shutdownGraceMs: number;
  readonly logLevel: z.infer<typeof GatewayEnv>["GATEWAY_LOG_LEVEL"];
}

export type ProviderKeySource =
  | { readonly provider: string; readonly value: string }
  | { readonly provider: string; readonly file: string };

const PROVIDER_KEY = /^GATEWAY_PROVIDER_KEY_(FILE_)?([A-Z][A-Z0-9_]{0,62})$/;

function providerKeySources(env: Record<string, string | undefined>): ProviderKeySource[] {
  const sources: ProviderKeySource[] = [];
  for (const [name, value] of Object.entries(env)) {
    const match = PROVIDER_KEY.exec(name);
    if (!match?.[2] || !value) continue;
    const provider = match[2].toLowerCase();
    sources.push(match[1] ? { provider, file: value } : { provider, value });
  }
  return sources;
}

export type ConfigResult =
  | {
      ok: true;
      config: GatewayConfig;
      /** GATEWAY_* variables the gateway does not know: likely typos. */
      unknown: string[];
    }
  | { ok: false; message: string };

export function parseGatewayConfig(env: Record<string, string | undefined>): ConfigResult {
  const definedOnly = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = GatewayEnv.safeParse(definedOnly);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    return { ok: false, message: `invalid gateway configuration: ${problems.join("; ")}` };
  }
  const e = parsed.data;
  const config: GatewayConfig = {
    grpc: { host: e.GATEWAY_GRPC_HOST, port: e.GATEWAY_GRPC_PORT },
    bundle: { path: e.GATEWAY_BUNDLE_PATH, pollMs: e.GATEWAY_BUNDLE_POLL_MS },
    audit: {
      clickhouse: e.GATEWAY_CLICKHOUSE_URL
        ? {
            url: e.GATEWAY_CLICKHOUSE_URL,
            database: e.GATEWAY_CLICKHOUSE_DATABASE,
            table: e.GATEWAY_CLICKHOUSE_TABLE,
            attemptsTable: e.GATEWAY_CLICKHOUSE_ATTEMPTS_TABLE,
            username: e.GATEWAY_CLICKHOUSE_USER,
            password: e.GATEWAY_CLICKHOUSE_PASSWORD,
          }
        : null,
      spoolDir: e.GATEWAY_AUDIT_SPOOL_DIR,
      batchSize: e.GATEWAY_AUDIT_BATCH_SIZE,
      flushIntervalMs: e.GATEWAY_AUDIT_FLUSH_MS,
    },
    limits: {
      maxBodyBytes: e.GATEWAY_MAX_BODY_BYTES,
      maxConcurrentStreams: e.GATEWAY_MAX_CONCURRENT_STREAMS,
      maxHeldBodyBytes: e.GATEWAY_MAX_HELD_BODY_BYTES,
    },
    providerKeys: providerKeySources(env),
    piiHmacKey: e.GATEWAY_PII_HMAC_KEY,
    shutdownGraceMs: e.GATEWAY_SHUTDOWN_GRACE_MS,
    logLevel: e.GATEWAY_LOG_LEVEL,
  };
  const known = new Set(Object.keys(GatewayEnv.shape));
  const unknown = Object.keys(env).filter(
    (name) => name.startsWith("GATEWAY_") && !known.has(name) && !PROVIDER_KEY.test(name),
  );
  return { ok: true, config: deepFreeze(config), unknown };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
