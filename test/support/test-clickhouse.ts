import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type ClickHouseClient, createClient } from "@clickhouse/client";

/**
 * The real ClickHouse server the tests use: the one test/run.sh started (its URL in
 * GATEWAY_TEST_CLICKHOUSE_URL), or one started here on the test port when a test file runs alone.
 */
export function testClickHouseUrl(): string {
  const fromEnv = process.env.GATEWAY_TEST_CLICKHOUSE_URL;
  if (fromEnv) return fromEnv;
  const url = execFileSync(
    "bash",
    ["test/setup/clickhouse.sh", "start", "18123", ".gateway/test-clickhouse"],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  ).trim();
  process.env.GATEWAY_TEST_CLICKHOUSE_URL = url;
  return url;
}

export function uniqueDatabase(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString("hex")}`;
}

export interface TestClickHouse {
  readonly url: string;
  readonly database: string;
  readonly client: ClickHouseClient;
  rows<T>(sql: string): Promise<T[]>;
  drop(): Promise<void>;
}

export function openTestClickHouse(database: string): TestClickHouse {
  const url = testClickHouseUrl();
  const client = createClient({ url, compression: { request: false, response: false } });
  return {
    url,
    database,
    client,
    rows: async <T>(sql: string) => {
      const result = await client.query({ query: sql, format: "JSONEachRow" });
      return result.json<T>();
    },
    drop: async () => {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await client.close();
    },
  };
}
