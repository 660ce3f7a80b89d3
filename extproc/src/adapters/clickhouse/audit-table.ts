/**
 * The audit table's schema, in one place: the column list drives both the DDL (create, migrate)
 * and the row mapping, so a new AuditRecord field is added here once.
 *
 * Only types that ClickHouse 18.16 (CI) and current releases both accept: no DateTime64, Map,
 * JSON, LowCardinality, TTL or server-side query parameters. Milliseconds stay in a UInt64 epoch.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { z } from "zod";
import type { AuditRecord } from "../../pipeline/audit-record.ts";

export type AuditColumnValue = string | number | string[] | number[];

export interface AuditColumn {
  name: string;
  type: string;
  from: (record: AuditRecord) => AuditColumnValue;
}

export interface AuditTableName {
  database: string;
  table: string;
}

export interface EnsureAuditTableResult {
  created: boolean;
  addedColumns: string[];
}

// The server rejects the whole batch for one out-of-range number, and a rejected batch would be
// retried forever from the spool; clamping keeps one odd record from poisoning the others.
function uint(value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.floor(value), max);
}

const UINT16_MAX = 65_535;
const UINT32_MAX = 4_294_967_295;
const UINT64_SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** UTC calendar day of an epoch-ms timestamp, as ClickHouse's Date text form. */
export function utcDate(timeMs: number): string {
  const date = new Date(uint(timeMs, 8_640_000_000_000_000));
  return date.toISOString().slice(0, 10);
}

export const auditColumns: readonly AuditColumn[] = [
  { name: "event_date", type: "Date", from: (r) => utcDate(r.time_ms) },
  { name: "event_id", type: "String", from: (r) => r.event_id },
  { name: "request_id", type: "String", from: (r) => r.request_id },
  { name: "time_ms", type: "UInt64", from: (r) => uint(r.time_ms, UINT64_SAFE_MAX) },
  { name: "key_id", type: "String", from: (r) => r.key_id },
  { name: "user", type: "String", from: (r) => r.user },
  { name: "team", type: "String", from: (r) => r.team },
  { name: "api", type: "String", from: (r) => r.api },
  { name: "method", type: "String", from: (r) => r.method },
  { name: "path", type: "String", from: (r) => r.path },
  { name: "requested_model", type: "String", from: (r) => r.requested_model },
  { name: "provider", type: "String", from: (r) => r.provider },
  { name: "routed_model", type: "String", from: (r) => r.routed_model },
  { name: "decision", type: "String", from: (r) => r.decision },
  { name: "outcome", type: "String", from: (r) => r.outcome },
  { name: "reason_codes", type: "Array(String)", from: (r) => r.reason_codes },
  { name: "status", type: "UInt16", from: (r) => uint(r.status, UINT16_MAX) },
  { name: "policy_revision", type: "String", from: (r) => r.policy_revision },
  { name: "prompt_sha256", type: "String", from: (r) => r.prompt_sha256 },
  { name: "stream", type: "UInt8", from: (r) => (r.stream ? 1 : 0) },
  { name: "prompt_tokens", type: "UInt32", from: (r) => uint(r.prompt_tokens, UINT32_MAX) },
  { name: "completion_tokens", type: "UInt32", from: (r) => uint(r.completion_tokens, UINT32_MAX) },
  { name: "total_tokens", type: "UInt32", from: (r) => uint(r.total_tokens, UINT32_MAX) },
  { name: "latency_ms", type: "UInt64", from: (r) => uint(r.latency_ms, UINT64_SAFE_MAX) },
  { name: "tags", type: "Array(String)", from: (r) => r.tags },
  { name: "pii_types", type: "Array(String)", from: (r) => r.pii_types },
  { name: "pii_actions", type: "Array(String)", from: (r) => r.pii_actions },
  { name: "pii_directions", type: "Array(String)", from: (r) => r.pii_directions },
  { name: "pii_counts", type: "Array(UInt32)", from: (r) => r.pii_counts.map((n) => uint(n, UINT32_MAX)) },
  { name: "prompt", type: "String", from: (r) => r.prompt },
  { name: "attempts", type: "UInt16", from: (r) => uint(r.attempts, UINT16_MAX) },
];

export type AuditRow = Record<string, AuditColumnValue>;

export function toAuditRow(record: AuditRecord): AuditRow {
  const row: AuditRow = {};
  for (const column of auditColumns) row[column.name] = column.from(record);
  return row;
}

// Identifiers are checked rather than escaped: 18.16 has no query parameters, and a name that
// needs quoting is a configuration mistake worth failing loudly on at start-up.
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifier(name: string): string {
  if (!identifierPattern.test(name))
    throw new Error(`invalid ClickHouse identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

export function qualifiedTableName({ database, table }: AuditTableName): string {
  return `${identifier(database)}.${identifier(table)}`;
}

export function createAuditTableSql(name: AuditTableName): string {
  const columns = auditColumns.map((c) => `  ${identifier(c.name)} ${c.type}`).join(",\n");
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedTableName(name)} (`,
    columns,
    ") ENGINE = MergeTree() PARTITION BY toYYYYMM(event_date) ORDER BY (event_date, team, time_ms)",
  ].join("\n");
}

const columnListSchema = z.object({ data: z.array(z.object({ name: z.string() })) });

async function existingColumns(client: ClickHouseClient, name: AuditTableName): Promise<Set<string>> {
  // Safe to inline: both names passed identifierPattern, which excludes quotes and backslashes.
  identifier(name.database);
  identifier(name.table);
  const result = await client.query({
    query: `SELECT name FROM system.columns WHERE database = '${name.database}' AND table = '${name.table}'`,
    format: "JSON",
  });
  const parsed = columnListSchema.parse(await result.json());
  return new Set(parsed.data.map((row) => row.name));
}

/**
 * Creates the database and table when missing and adds columns an older table lacks. Existing
 * columns are never altered or dropped: compliance data outlives schema changes.
 */
export async function ensureAuditTable(
  client: ClickHouseClient,
  name: AuditTableName,
): Promise<EnsureAuditTableResult> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${identifier(name.database)}` });
  const before = await existingColumns(client, name);
  if (before.size === 0) {
    await client.command({ query: createAuditTableSql(name) });
    return { created: true, addedColumns: [] };
  }
  const addedColumns: string[] = [];
  for (const column of auditColumns) {
    if (before.has(column.name)) continue;
    try {
      await client.command({
        query: `ALTER TABLE ${qualifiedTableName(name)} ADD COLUMN ${identifier(column.name)} ${column.type}`,
      });
      addedColumns.push(column.name);
    } catch (error) {
      // Another gateway replica may have migrated the table between our read and our ALTER.
      if (!(await existingColumns(client, name)).has(column.name)) throw error;
    }
  }
  return { created: false, addedColumns };
}
