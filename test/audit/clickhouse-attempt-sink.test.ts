import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { pino } from "pino";
import { z } from "zod";
import { attemptColumns, attemptsTable } from "../../extproc/src/adapters/clickhouse/attempts-table.ts";
import { ensureTable } from "../../extproc/src/adapters/clickhouse/clickhouse-table.ts";
import {
  attemptsSpoolDir,
  DEFAULT_ATTEMPTS_TABLE,
  openClickHouseAuditSinks,
} from "../../extproc/src/open-audit-sink.ts";
import type { AttemptRecord } from "../../extproc/src/pipeline/attempt-record.ts";
import { testClickHouseUrl } from "../support/test-clickhouse.ts";

/**
 * The provider attempts table: created and migrated from the same column list as its rows, fed by
 * the shared batch writer, with its own spool next to the request audit's.
 */
const database = `gateway_attempts_${randomBytes(4).toString("hex")}`;
const silent = pino({ level: "silent" });
let url = "";
let admin: ClickHouseClient;
const tempDirs: string[] = [];

before(() => {
  url = testClickHouseUrl();
  admin = createClient({ url });
});

after(async () => {
  await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await admin.close();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-attempts-spool-"));
  tempDirs.push(dir);
  return dir;
}

function attempt(requestId: string, n: number, overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    time_ms: Date.UTC(2024, 0, 31, 23, 59, 59, 990) + n,
    request_id: requestId,
    attempt: n,
    provider: "anthropic",
    model: "claude-haiku-4-5",
    api: "openai.chat_completions",
    status: 200,
    outcome: "completed",
    error_code: "",
    latency_ms: 120,
    ttfb_ms: 80,
    ...overrides,
  };
}

const rowsSchema = z.object({ data: z.array(z.record(z.string(), z.unknown())) });

async function select(sql: string): Promise<Record<string, unknown>[]> {
  const result = await admin.query({ query: sql, format: "JSON" });
  return rowsSchema.parse(await result.json()).data;
}

describe("ClickHouse provider attempts table", { timeout: 60_000 }, () => {
  test("created with a column for every attempt field plus event_date", async () => {
    const table = "attempts_created";
    assert.deepEqual(await ensureTable(admin, attemptsTable, { database, table }), {
      created: true,
      addedColumns: [],
    });
    const columns = await select(
      `SELECT name, type FROM system.columns WHERE database = '${database}' AND table = '${table}' ORDER BY name`,
    );
    assert.deepEqual(
      columns,
      attemptColumns.map(({ name, type }) => ({ name, type })).sort((a, b) => a.name.localeCompare(b.name)),
    );
    assert.deepEqual(
      attemptColumns
        .map((c) => c.name)
        .filter((n) => n !== "event_date")
        .sort(),
      Object.keys(attempt("x", 1)).sort(),
    );
  });

  test("an older table missing columns is migrated and keeps its rows", async () => {
    const table = "attempts_old";
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    await admin.command({
      query: `CREATE TABLE ${database}.${table} (event_date Date, time_ms UInt64, request_id String, provider String)
              ENGINE = MergeTree() PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, provider, time_ms)`,
    });
    await admin.insert({
      table: `${database}.${table}`,
      values: [{ event_date: "2023-12-01", time_ms: 1701388800000, request_id: "old", provider: "openai" }],
      format: "JSONEachRow",
    });
    const migration = await ensureTable(admin, attemptsTable, { database, table });
    assert.equal(migration.created, false);
    assert.deepEqual(
      migration.addedColumns.sort(),
      ["api", "attempt", "error_code", "latency_ms", "model", "outcome", "status", "ttfb_ms"].sort(),
    );
    assert.deepEqual(await select(`SELECT request_id, attempt, outcome FROM ${database}.${table}`), [
      { request_id: "old", attempt: 0, outcome: "" },
    ]);
  });

  test("rows land next to the request rows, each sink with its own spool, and join by request_id", async () => {
    const spoolDir = await tempDir();
    const sinks = await openClickHouseAuditSinks({
      url,
      database,
      table: "audit_events",
      spoolDir,
      logger: silent,
      flushIntervalMs: 600_000,
    });
    const first = attempt("req-join", 1, {
      status: 529,
      outcome: "completed",
      latency_ms: 40,
      ttfb_ms: 39,
    });
    const second = attempt("req-join", 2, { provider: "gemini", model: "gemini-2.5-flash" });
    const refused = attempt("req-refused", 1, {
      status: 0,
      outcome: "refused",
      error_code: "unsupported_feature",
    });
    for (const record of [first, second, refused]) sinks.attempts.write(record);
    await sinks.flush();
    assert.equal(sinks.attempts.stats().inserted, 3);
    assert.equal(sinks.requests.stats().inserted, 0, "attempt rows never go to the request table");

    const rows = await select(
      `SELECT * FROM ${database}.${DEFAULT_ATTEMPTS_TABLE} ORDER BY request_id, attempt`,
    );
    // ClickHouse's JSON output quotes 64-bit integers; the other columns come back as sent.
    const expected = [first, second, refused].map((r) => ({
      ...r,
      event_date: "2024-01-31",
      time_ms: String(r.time_ms),
      latency_ms: String(r.latency_ms),
      ttfb_ms: String(r.ttfb_ms),
    }));
    assert.deepEqual(rows, expected);

    // The join the README documents: every attempt of a request with the request's row.
    await admin.insert({
      table: `${database}.audit_events`,
      values: [{ event_date: "2024-01-31", request_id: "req-join", provider: "gemini", attempts: 2 }],
      format: "JSONEachRow",
    });
    const joined = await select(
      `SELECT attempt, provider, status, answered_by, attempts
       FROM ${database}.${DEFAULT_ATTEMPTS_TABLE}
       ALL INNER JOIN (SELECT request_id, provider AS answered_by, attempts FROM ${database}.audit_events)
       USING request_id
       WHERE request_id = 'req-join' ORDER BY attempt`,
    );
    assert.deepEqual(joined, [
      { attempt: 1, provider: "anthropic", status: 529, answered_by: "gemini", attempts: 2 },
      { attempt: 2, provider: "gemini", status: 200, answered_by: "gemini", attempts: 2 },
    ]);
    await sinks.close();
    assert.ok((await readdir(spoolDir)).includes("attempts"), "the attempts spool is a subdirectory");
  });

  test("attempts spooled while ClickHouse was away replay into the attempts table only", async () => {
    const spoolDir = await tempDir();
    const table = "attempts_replayed";
    const left = [attempt("req-spooled", 1, { outcome: "aborted" }), attempt("req-spooled", 2)]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join("");
    const dir = attemptsSpoolDir(spoolDir);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), left);

    const sinks = await openClickHouseAuditSinks({
      url,
      database,
      table: "audit_replayed",
      attemptsTable: table,
      spoolDir,
      logger: silent,
      flushIntervalMs: 600_000,
    });
    await sinks.flush();
    assert.deepEqual(
      await select(
        `SELECT attempt, outcome FROM ${database}.${table} WHERE request_id = 'req-spooled' ORDER BY attempt`,
      ),
      [
        { attempt: 1, outcome: "aborted" },
        { attempt: 2, outcome: "completed" },
      ],
    );
    assert.deepEqual(await select(`SELECT count() AS n FROM ${database}.audit_replayed`), [{ n: "0" }]);
    await sinks.close();
  });
});
