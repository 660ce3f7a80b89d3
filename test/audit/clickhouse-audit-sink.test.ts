import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type ClickHouseClient, createClient } from "@clickhouse/client";
import { pino } from "pino";
import { z } from "zod";
import { auditColumns, ensureAuditTable } from "../../extproc/src/adapters/clickhouse/audit-table.ts";
import {
  type ClickHouseAuditSink,
  type ClickHouseAuditSinkOptions,
  createClickHouseAuditSink,
} from "../../extproc/src/adapters/clickhouse/clickhouse-audit-sink.ts";
import type { AuditRecord } from "../../extproc/src/pipeline/audit-record.ts";

const TEST_PORT = "18123";
const execFileAsync = promisify(execFile);

async function clickHouseUrl(): Promise<string> {
  const fromRunner = process.env.GATEWAY_TEST_CLICKHOUSE_URL;
  if (fromRunner) return fromRunner;
  const script = fileURLToPath(new URL("../setup/clickhouse.sh", import.meta.url));
  const stateDir = fileURLToPath(new URL("../../.gateway/test-clickhouse", import.meta.url));
  const { stdout } = await execFileAsync("bash", [script, "start", TEST_PORT, stateDir]);
  return stdout.trim();
}

/** A TCP relay in front of the real server, switched off and on to make ClickHouse really unreachable. */
class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Accepts connections but never answers, like a hung server. */
  async hang(): Promise<void> {
    await this.off();
    await this.listen(
      createServer((client) => {
        this.sockets.add(client);
        client.on("close", () => this.sockets.delete(client));
        client.on("error", () => client.destroy());
        client.resume();
      }),
    );
  }

  async on(): Promise<void> {
    await this.off();
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.target.hostname, port: Number(this.target.port) });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await this.listen(server);
  }

  private async listen(server: Server): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
    this.port = address.port;
    this.server = server;
  }

  async off(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const database = `gateway_test_${randomBytes(4).toString("hex")}`;
const silent = pino({ level: "silent" });
let url = "";
let admin: ClickHouseClient;
const tempDirs: string[] = [];

before(async () => {
  url = await clickHouseUrl();
  admin = createClient({ url });
});

after(async () => {
  await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await admin.close();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function spoolDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-audit-spool-"));
  tempDirs.push(dir);
  return dir;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(".jsonl") && name.startsWith("spool-"));
}

function record(eventId: string, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    event_id: eventId,
    request_id: `req-${eventId}`,
    time_ms: Date.UTC(2024, 0, 31, 23, 59, 59, 999),
    key_id: "key-1",
    user: "alice",
    team: "payments",
    api: "openai.chat_completions",
    method: "POST",
    path: "/v1/chat/completions",
    requested_model: "gpt-4o",
    provider: "openai",
    routed_model: "gpt-4o-2024-08-06",
    decision: "allow",
    outcome: "completed",
    reason_codes: [],
    status: 200,
    policy_revision: "rev-7",
    prompt_sha256: "a".repeat(64),
    stream: false,
    prompt_tokens: 12,
    completion_tokens: 34,
    total_tokens: 46,
    latency_ms: 812,
    tags: [],
    pii_types: ["EMAIL", "CREDIT_CARD"],
    pii_actions: ["redact", "redact"],
    pii_directions: ["request", "request"],
    pii_counts: [2, 1],
    prompt: "",
    attempts: 1,
    ...overrides,
  };
}

function records(prefix: string, count: number): AuditRecord[] {
  return Array.from({ length: count }, (_, i) => record(`${prefix}-${String(i).padStart(4, "0")}`));
}

async function sink(
  overrides: Partial<ClickHouseAuditSinkOptions> & { table: string },
): Promise<ClickHouseAuditSink> {
  return createClickHouseAuditSink({
    url,
    database,
    spoolDir: await spoolDir(),
    logger: silent,
    // Timers are pushed far out so each test decides when flushing and retrying happen.
    flushIntervalMs: 600_000,
    retryIntervalMs: 600_000,
    requestTimeoutMs: 5_000,
    ...overrides,
  });
}

const countSchema = z.object({ data: z.array(z.object({ rows: z.string(), ids: z.string() })) });

/** Rows and distinct event ids whose id starts with the prefix: equal counts mean no duplicates. */
async function countRows(table: string, prefix: string): Promise<{ rows: number; ids: number }> {
  const result = await admin.query({
    query: `SELECT toString(count()) AS rows, toString(uniqExact(event_id)) AS ids FROM ${database}.${table} WHERE startsWith(event_id, '${prefix}-')`,
    format: "JSON",
  });
  const [row] = countSchema.parse(await result.json()).data;
  assert.ok(row);
  return { rows: Number(row.rows), ids: Number(row.ids) };
}

describe("ClickHouse audit sink", { timeout: 120_000 }, () => {
  test("rows land with the record's values in same-named columns, event_date in UTC", async () => {
    const table = "audit_values";
    const audit = await sink({ table });
    const denied = record("values-1", {
      decision: "deny",
      outcome: "denied",
      reason_codes: ["model_not_approved", "pii_detected"],
      status: 403,
      stream: true,
      tags: ["it's", 'quote"d', "ünïcode"],
      latency_ms: 3,
      time_ms: Date.UTC(2024, 0, 31, 23, 59, 59, 999),
    });
    const allowed = record("values-2", { time_ms: Date.UTC(2024, 1, 1, 0, 0, 0, 0) });
    audit.write(denied);
    audit.write(allowed);
    await audit.flush();
    assert.equal(audit.stats().inserted, 2);
    await audit.close();

    const result = await admin.query({
      query: `SELECT * FROM ${database}.${table} ORDER BY event_id`,
      format: "JSON",
    });
    const rows = z
      .object({ data: z.array(z.record(z.string(), z.unknown())) })
      .parse(await result.json()).data;
    // ClickHouse's JSON output quotes 64-bit integers; the other columns come back as sent.
    const expected = [denied, allowed].map((r) => ({
      ...r,
      event_date: new Date(r.time_ms).toISOString().slice(0, 10),
      time_ms: String(r.time_ms),
      latency_ms: String(r.latency_ms),
      stream: r.stream ? 1 : 0,
    }));
    assert.deepEqual(rows, expected);
    assert.equal(rows[0]?.event_date, "2024-01-31");
    assert.equal(rows[1]?.event_date, "2024-02-01");
  });

  test("a lone UTF-16 surrogate lands as U+FFFD instead of making ClickHouse refuse the batch", async () => {
    const table = "audit_surrogates";
    const audit = await sink({ table });
    // ClickHouse refuses a whole INSERT holding a JSON-escaped lone high surrogate.
    audit.write(
      record("surrogate-0000", { requested_model: "m\ud800", tags: ["t\udfff"], prompt: "\ud83d!" }),
    );
    audit.write(record("surrogate-0001", { prompt: "pair \ud83d\ude00" }));
    await audit.flush();
    const stats = audit.stats();
    await audit.close();
    assert.equal(stats.inserted, 2);
    assert.equal(stats.spooled, 0);

    const result = await admin.query({
      query: `SELECT requested_model, tags, prompt FROM ${database}.${table} ORDER BY event_id`,
      format: "JSON",
    });
    const rows = z
      .object({
        data: z.array(
          z.object({ requested_model: z.string(), tags: z.array(z.string()), prompt: z.string() }),
        ),
      })
      .parse(await result.json()).data;
    assert.deepEqual(rows, [
      { requested_model: "m\ufffd", tags: ["t\ufffd"], prompt: "\ufffd!" },
      { requested_model: "gpt-4o", tags: [], prompt: "pair \u{1F600}" },
    ]);
  });

  test("the table is created with a column for every record field plus event_date", async () => {
    const table = "audit_created";
    const audit = await sink({ table });
    await audit.close();

    const result = await admin.query({
      query: `SELECT name, type FROM system.columns WHERE database = '${database}' AND table = '${table}'`,
      format: "JSON",
    });
    const columns = z
      .object({ data: z.array(z.object({ name: z.string(), type: z.string() })) })
      .parse(await result.json()).data;
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
    assert.deepEqual(
      columns.sort(byName),
      auditColumns.map(({ name, type }) => ({ name, type })).sort(byName),
    );
    const recordFields = Object.keys(record("x")).sort();
    assert.deepEqual(
      auditColumns
        .map((c) => c.name)
        .filter((n) => n !== "event_date")
        .sort(),
      recordFields,
    );
  });

  test("an older table missing columns is migrated and keeps its rows", async () => {
    const table = "audit_old";
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
    await admin.command({
      query: `CREATE TABLE ${database}.${table} (event_date Date, event_id String, team String, time_ms UInt64)
              ENGINE = MergeTree() PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, team, time_ms)`,
    });
    await admin.insert({
      table: `${database}.${table}`,
      values: [{ event_date: "2023-12-01", event_id: "old-0000", team: "legacy", time_ms: 1701388800000 }],
      format: "JSONEachRow",
    });

    const migration = await ensureAuditTable(admin, { database, table });
    assert.equal(migration.created, false);
    assert.deepEqual(
      migration.addedColumns.sort(),
      auditColumns
        .map((c) => c.name)
        .filter((n) => !["event_date", "event_id", "team", "time_ms"].includes(n))
        .sort(),
    );
    assert.deepEqual(await ensureAuditTable(admin, { database, table }), {
      created: false,
      addedColumns: [],
    });

    const audit = await sink({ table });
    audit.write(record("old-0001"));
    await audit.close();
    assert.deepEqual(await countRows(table, "old"), { rows: 2, ids: 2 });
  });

  test("while ClickHouse is down records are spooled, and once it is back they land exactly once", async () => {
    const table = "audit_outage";
    const proxy = new TcpProxy(new URL(url));
    await proxy.on();
    await proxy.off();
    const dir = await spoolDir();

    // Start-up with ClickHouse unreachable must succeed: the table is created later.
    const audit = await sink({ table, url: proxy.url, spoolDir: dir, batchSize: 10 });
    assert.equal(audit.stats().clickhouseUp, false);

    const first = records("outage", 25);
    for (const r of first) assert.doesNotThrow(() => audit.write(r));
    await audit.flush();
    assert.equal(audit.stats().spooled, 25);
    const [segment, ...others] = await segmentFiles(dir);
    assert.ok(segment);
    assert.equal(others.length, 0);
    const lines = (await readFile(join(dir, segment), "utf8")).trim().split("\n");
    assert.deepEqual(
      lines.map((l) => z.object({ event_id: z.string() }).parse(JSON.parse(l)).event_id),
      first.map((r) => r.event_id),
    );

    assert.equal(await audit.retryNow(), false, "retry fails while the proxy is off");
    for (const r of records("outage2", 5)) audit.write(r);

    await proxy.on();
    assert.equal(await audit.retryNow(), true);
    assert.equal(audit.stats().clickhouseUp, true);
    assert.deepEqual(await segmentFiles(dir), []);
    assert.deepEqual(await countRows(table, "outage"), { rows: 25, ids: 25 });
    assert.deepEqual(await countRows(table, "outage2"), { rows: 5, ids: 5 });

    // Back to normal: a write goes through memory straight to ClickHouse.
    audit.write(record("after-0000"));
    await audit.flush();
    assert.deepEqual(await countRows(table, "after"), { rows: 1, ids: 1 });

    // An outage that starts mid-run (insert fails on a live sink) also ends up in ClickHouse.
    await proxy.off();
    for (const r of records("midrun", 12)) audit.write(r);
    await audit.flush();
    assert.equal(audit.stats().clickhouseUp, false);
    assert.equal((await segmentFiles(dir)).length, 1);
    await proxy.on();
    assert.equal(await audit.retryNow(), true);
    assert.deepEqual(await countRows(table, "midrun"), { rows: 12, ids: 12 });
    assert.deepEqual(await segmentFiles(dir), []);

    await audit.close();
    await proxy.off();
    assert.ok(audit.stats().failures >= 3);
  });

  test("a new sink replays the spool a crashed one left behind, skipping its torn last line", async () => {
    const table = "audit_crash";
    const dir = await spoolDir();
    const left = records("crash", 3)
      .map((r) => `${JSON.stringify(r)}\n`)
      .join("");
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), `${left}{"event_id":"crash-torn","requ`);

    const audit = await sink({ table, spoolDir: dir });
    // flush() queues behind the start-up replay, so the replay is finished when it resolves.
    await audit.flush();
    assert.deepEqual(await countRows(table, "crash"), { rows: 3, ids: 3 });
    assert.equal(audit.stats().rejected, 1);
    assert.deepEqual(await segmentFiles(dir), []);
    await audit.close();
  });

  test("rows spooled by an older gateway, without the PII columns, replay with empty ones", async () => {
    const table = "audit_old_spool";
    const dir = await spoolDir();
    const older: Partial<AuditRecord> = record("older-1");
    for (const column of [
      "pii_types",
      "pii_actions",
      "pii_directions",
      "pii_counts",
      "prompt",
      "attempts",
    ] as const) {
      delete older[column];
    }
    await writeFile(join(dir, "spool-0000000000001-000000.jsonl"), `${JSON.stringify(older)}\n`);
    const audit = await sink({ table, spoolDir: dir });
    await audit.flush();
    await audit.close();
    const result = await admin.query({
      query: `SELECT pii_types, pii_counts, prompt FROM ${database}.${table} WHERE event_id = 'older-1'`,
      format: "JSONEachRow",
    });
    assert.deepEqual(await result.json(), [{ pii_types: [], pii_counts: [], prompt: "" }]);
  });

  test("records spooled by a sink closed during an outage are replayed by the next sink", async () => {
    const table = "audit_restart";
    const proxy = new TcpProxy(new URL(url));
    await proxy.on();
    await proxy.off();
    const dir = await spoolDir();

    const before = await sink({ table, url: proxy.url, spoolDir: dir });
    for (const r of records("restart", 7)) before.write(r);
    await before.close();
    assert.equal((await segmentFiles(dir)).length, 1);

    const next = await sink({ table, spoolDir: dir });
    await next.flush();
    assert.deepEqual(await countRows(table, "restart"), { rows: 7, ids: 7 });
    assert.deepEqual(await segmentFiles(dir), []);
    await next.close();
  });

  test("records beyond the in-memory queue limit go to the spool and are not lost", async () => {
    const table = "audit_overflow";
    const dir = await spoolDir();
    const audit = await sink({ table, spoolDir: dir, maxQueuedRecords: 5, batchSize: 1000 });

    for (const r of records("overflow", 20)) audit.write(r);
    assert.equal(audit.stats().queued, 5);
    assert.equal(audit.stats().spooled, 15);
    await audit.flush();
    assert.equal((await segmentFiles(dir)).length, 1);
    assert.deepEqual(await countRows(table, "overflow"), { rows: 5, ids: 5 });

    assert.equal(await audit.retryNow(), true);
    assert.deepEqual(await countRows(table, "overflow"), { rows: 20, ids: 20 });
    assert.deepEqual(await segmentFiles(dir), []);
    await audit.close();
  });

  test("a hung ClickHouse holds a flush only until the request timeout, then records are spooled", async () => {
    const table = "audit_hung";
    const proxy = new TcpProxy(new URL(url));
    await proxy.on();
    const dir = await spoolDir();
    const audit = await sink({ table, url: proxy.url, spoolDir: dir, requestTimeoutMs: 300 });
    assert.equal(audit.stats().clickhouseUp, true);

    await proxy.hang();
    for (const r of records("hung", 3)) audit.write(r);
    await audit.flush();
    assert.equal(audit.stats().clickhouseUp, false);
    assert.equal(audit.stats().spooled, 3);

    await proxy.on();
    assert.equal(await audit.retryNow(), true);
    assert.deepEqual(await countRows(table, "hung"), { rows: 3, ids: 3 });
    await audit.close();
    await proxy.off();
  });

  test("a ClickHouse hung at start delays start by one request timeout; its rows are spooled, then replayed", async () => {
    const table = "audit_hung_start";
    const proxy = new TcpProxy(new URL(url));
    await proxy.hang();
    const dir = await spoolDir();
    const started = Date.now();
    const audit = await sink({ table, url: proxy.url, spoolDir: dir, requestTimeoutMs: 300 });
    assert.ok(Date.now() - started < 2_000, `start took ${Date.now() - started} ms`);
    assert.equal(audit.stats().clickhouseUp, false);

    for (const r of records("hungstart", 4)) audit.write(r);
    await audit.flush();
    assert.equal(audit.stats().spooled, 4);

    await proxy.on();
    assert.equal(await audit.retryNow(), true);
    assert.deepEqual(await countRows(table, "hungstart"), { rows: 4, ids: 4 });
    await audit.close();
    await proxy.off();
  });

  test("records written while close is under way are kept in the spool", async () => {
    const table = "audit_closing";
    const dir = await spoolDir();
    const audit = await sink({ table, spoolDir: dir });
    audit.write(record("closing-0000"));
    const closed = audit.close();
    audit.write(record("closing-0001"));
    await closed;

    assert.deepEqual(await countRows(table, "closing"), { rows: 1, ids: 1 });
    const [segment] = await segmentFiles(dir);
    assert.ok(segment);
    assert.match(await readFile(join(dir, segment), "utf8"), /"event_id":"closing-0001"/);
  });

  test("a full batch is inserted without waiting for the flush timer", async () => {
    const table = "audit_batch";
    const audit = await sink({ table, batchSize: 4 });
    const inserted = new Promise<void>((resolve) => {
      const check = (): void => {
        if (audit.stats().inserted >= 4) resolve();
        else setImmediate(check);
      };
      check();
    });
    for (const r of records("batch", 4)) audit.write(r);
    await inserted;
    assert.deepEqual(await countRows(table, "batch"), { rows: 4, ids: 4 });
    await audit.close();
  });
});
