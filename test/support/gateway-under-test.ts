import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import type { ClickHouseAttemptSink } from "../../extproc/src/adapters/clickhouse/clickhouse-attempt-sink.ts";
import type { ClickHouseAuditSink } from "../../extproc/src/adapters/clickhouse/clickhouse-audit-sink.ts";
import { parseGatewayConfig } from "../../extproc/src/config.ts";
import { openClickHouseAuditSinks } from "../../extproc/src/open-audit-sink.ts";
import type { AuditRecord } from "../../extproc/src/pipeline/audit-record.ts";
import { type RunningGateway, startGateway } from "../../extproc/src/start-gateway.ts";
import type { AnthropicUpstream } from "../demo/anthropic-upstream/index.ts";
import type { GeminiUpstream } from "../demo/gemini-upstream/index.ts";
import type { DemoUpstream } from "../demo/openai-upstream/index.ts";
import { type EnvoyHarness, type EnvoyHarnessOptions, startEnvoyHarness } from "../harness/envoy-harness.ts";
import type { AzureMock } from "../providers/azure-openai/azure-mock.ts";
import { startMockProviders } from "./mock-providers.ts";
import { SHIPPED_BUNDLE } from "./rebundle.ts";
import { openTestClickHouse, type TestClickHouse, uniqueDatabase } from "./test-clickhouse.ts";

/** The keys the gateway holds for the mock providers (never the callers' keys). */
export const PROVIDER_KEYS = {
  anthropic: "sk-ant-test-provider-key",
  gemini: "gemini-test-provider-key",
  azure: "azure-test-provider-key",
} as const;

export const DEMO_KEYS = {
  alice: "gwk_demo_alice_7f3c9a",
  bob: "gwk_demo_bob_41d2e8",
  admin: "gwk_demo_admin_c05e11",
  /** Region `eu`: data residency keeps her requests on EU providers. */
  erin: "gwk_demo_erin_5b8d20",
} as const;

/**
 * One row of the audit table as ClickHouse's JSONEachRow returns it: 64-bit integers as strings,
 * the `stream` flag as 0 or 1, and the `event_date` partition column.
 */
export type AuditTableRow = Omit<AuditRecord, "time_ms" | "latency_ms" | "stream"> & {
  event_date: string;
  time_ms: string;
  latency_ms: string;
  stream: number;
};

/** Quotes a request id for the tests' SQL (a quote in it is dropped, never interpreted). */
export function requestIdLiteral(requestId: string): string {
  return `'${requestId.replace(/'/g, "")}'`;
}

/** The whole data path on loopback: harness (Envoy) → processor → demo upstream, audit in ClickHouse. */
export interface GatewayUnderTest {
  readonly url: string;
  readonly harness: EnvoyHarness;
  readonly gateway: RunningGateway;
  readonly upstream: DemoUpstream;
  readonly anthropic: AnthropicUpstream;
  readonly gemini: GeminiUpstream;
  readonly azure: AzureMock;
  readonly audit: ClickHouseAuditSink;
  readonly attempts: ClickHouseAttemptSink;
  readonly clickhouse: TestClickHouse;
  readonly table: string;
  /** database.table of the provider attempts. */
  readonly attemptsTable: string;
  /** Flushes the audit sink and returns the row for one request id. */
  auditRow<T = AuditTableRow>(requestId: string): Promise<T>;
  /**
   * Flushes the attempts sink until `expected` rows match `sql` (an attempt's row may land a moment
   * after the caller has its answer: its filter's stream ends after the answer's last byte), then
   * returns them.
   */
  rowsWithin<T = Record<string, unknown>>(sql: string, expected: number): Promise<T[]>;
  close(): Promise<void>;
}

export interface GatewayUnderTestOptions {
  readonly env?: Record<string, string>;
  readonly bundlePath?: string;
  /** Harness settings a test sizes for itself (e.g. a per-try timeout in milliseconds). */
  readonly harness?: Pick<EnvoyHarnessOptions, "perTryTimeoutMs" | "now" | "randomValue">;
  /** Cluster addresses that replace the mock providers' (e.g. a port nothing listens on). */
  readonly clusters?: Readonly<Record<string, string>>;
}

export async function startGatewayUnderTest(
  options: GatewayUnderTestOptions = {},
): Promise<GatewayUnderTest> {
  const providers = await startMockProviders(PROVIDER_KEYS);
  const database = uniqueDatabase("gateway_e2e");
  const clickhouse = openTestClickHouse(database);
  const spoolDir = mkdtempSync(path.join(tmpdir(), "gateway-spool-"));
  const parsed = parseGatewayConfig({
    GATEWAY_GRPC_HOST: "127.0.0.1",
    GATEWAY_GRPC_PORT: "0",
    GATEWAY_BUNDLE_PATH: options.bundlePath ?? SHIPPED_BUNDLE,
    GATEWAY_BUNDLE_POLL_MS: "0",
    GATEWAY_CLICKHOUSE_URL: clickhouse.url,
    GATEWAY_CLICKHOUSE_DATABASE: database,
    GATEWAY_AUDIT_SPOOL_DIR: spoolDir,
    GATEWAY_SHUTDOWN_GRACE_MS: "2000",
    GATEWAY_PII_HMAC_KEY: "end-to-end-test-hmac-key",
    ...providers.keyEnv,
    GATEWAY_LOG_LEVEL: process.env.GATEWAY_TEST_LOG_LEVEL ?? "silent",
    ...options.env,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const config = parsed.config;
  const logger = pino({ level: config.logLevel });
  const chConfig = config.audit.clickhouse;
  if (!chConfig) throw new Error("the end-to-end tests need ClickHouse");
  const sinks = await openClickHouseAuditSinks({ ...chConfig, spoolDir, logger, flushIntervalMs: 200 });
  const audit = sinks.requests;
  const gateway = await startGateway(config, logger, { audit, attempts: sinks.attempts });
  const harness = await startEnvoyHarness({
    envoyConfigPath: "envoy/envoy.yaml",
    processorAddress: `127.0.0.1:${gateway.port}`,
    clusters: { ...providers.clusters, ...options.clusters },
    ...options.harness,
  });
  const table = `${database}.${chConfig.table}`;
  const attemptsTable = `${database}.${chConfig.attemptsTable}`;
  return {
    url: harness.url,
    harness,
    gateway,
    upstream: providers.openai,
    anthropic: providers.anthropic,
    gemini: providers.gemini,
    azure: providers.azure,
    audit,
    attempts: sinks.attempts,
    clickhouse,
    table,
    attemptsTable,
    auditRow: async <T>(requestId: string): Promise<T> => {
      await audit.flush();
      const rows = await clickhouse.rows<T>(
        `SELECT * FROM ${table} WHERE request_id = ${requestIdLiteral(requestId)}`,
      );
      if (rows.length !== 1) throw new Error(`expected one audit row for ${requestId}, found ${rows.length}`);
      return rows[0] as T;
    },
    rowsWithin: async <T>(sql: string, expected: number): Promise<T[]> => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        await sinks.flush();
        const rows = await clickhouse.rows<T>(sql);
        if (rows.length >= expected || Date.now() > deadline) return rows;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await harness.close();
      await gateway.close();
      await sinks.close();
      await providers.close();
      await clickhouse.drop();
    },
  };
}
