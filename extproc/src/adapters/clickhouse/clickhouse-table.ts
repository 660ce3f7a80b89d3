/**
 * A ClickHouse table described once: its column list drives both the DDL (create, migrate) and
 * the row mapping, so a new record field is added in one place. The audit table and the attempts
 * table are two such definitions.
 *
 * Only types that ClickHouse 18.16 (CI) and current releases both accept: no DateTime64, Map,
 * JSON, LowCardinality, TTL or server-side query parameters. Milliseconds stay in a UInt64 epoch.
 */
import type { ClickHouseClient } from "@clickhouse/client";
import { z } from "zod";

type ColumnValue = string | number | string[] | number[];

export interface TableColumn<R> {
  name: string;
  type: string;
  from: (record: R) => ColumnValue;
}

export interface TableDefinition<R> {
  readonly columns: readonly TableColumn<R>[];
  /** MergeTree sorting key; every table is partitioned by month of its `event_date` column. */
  readonly orderBy: readonly string[];
}

export interface TableName {
  database: string;
  table: string;
}

export interface EnsureTableResult {
  created: boolean;
  addedColumns: string[];
}

type TableRow = Record<string, ColumnValue>;

// The server rejects the whole batch for one out-of-range number, and a rejected batch would be
// retried forever from the spool; clamping keeps one odd record from poisoning the others (as
// `text` does for strings).
function uint(value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return Math.min(Math.floor(value), max);
}

const UINT16_MAX = 65_535;
const UINT32_MAX = 4_294_967_295;
const UINT64_SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** UTC calendar day of an epoch-ms timestamp, as ClickHouse's Date text form. */
function utcDate(timeMs: number): string {
  const date = new Date(uint(timeMs, 8_640_000_000_000_000));
  return date.toISOString().slice(0, 10);
}

// A lone UTF-16 surrogate has no UTF-8 form, and ClickHouse refuses the whole INSERT for one
// escaped in JSON; it becomes U+FFFD, as any UTF-8 encoder would write it.
function text(value: string): string {
  return value.isWellFormed() ? value : value.toWellFormed();
}

/** The column types record fields map to, each with the one way its values are written. */
const fieldColumnTypes = {
  String: (value: unknown) => text(value as string),
  UInt8: (value: unknown) => (value ? 1 : 0),
  UInt16: (value: unknown) => uint(value as number, UINT16_MAX),
  UInt32: (value: unknown) => uint(value as number, UINT32_MAX),
  UInt64: (value: unknown) => uint(value as number, UINT64_SAFE_MAX),
  "Array(String)": (value: unknown) => (value as readonly string[]).map(text),
  "Array(UInt32)": (value: unknown) => (value as readonly number[]).map((n) => uint(n, UINT32_MAX)),
} satisfies Record<string, (value: unknown) => ColumnValue>;

type FieldColumnType = keyof typeof fieldColumnTypes;

/** The column types a record field of type `V` may be stored as. */
type ColumnTypeFor<V> = V extends string
  ? "String"
  : V extends boolean
    ? "UInt8"
    : V extends number
      ? "UInt16" | "UInt32" | "UInt64"
      : V extends readonly string[]
        ? "Array(String)"
        : V extends readonly number[]
          ? "Array(UInt32)"
          : never;

/**
 * A table's columns: `event_date` (the partition key, the UTC day of `time_ms`), then one column
 * per record field, named after it, in the order given. Every field must be named, so a field added
 * to the record type and not to its table fails to compile.
 */
export function recordColumns<R extends { time_ms: number }>(
  fields: {
    readonly [K in keyof R & string]: ColumnTypeFor<R[K]>;
  },
): TableColumn<R>[] {
  const entries = Object.entries(fields) as [keyof R & string, FieldColumnType][];
  return [
    { name: "event_date", type: "Date", from: (r) => utcDate(r.time_ms) },
    ...entries.map(([name, type]): TableColumn<R> => {
      const write = fieldColumnTypes[type];
      return { name, type, from: (r) => write(r[name]) };
    }),
  ];
}

/** One record as a JSONEachRow line (newline included): the form an INSERT body is sent in. */
export function encodeRowLine<R>(definition: TableDefinition<R>, record: R): string {
  const row: TableRow = {};
  for (const column of definition.columns) row[column.name] = column.from(record);
  return `${JSON.stringify(row)}\n`;
}

// Identifiers are checked rather than escaped: 18.16 has no query parameters, and a name that
// needs quoting is a configuration mistake worth failing loudly on at start-up.
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

function identifier(name: string): string {
  if (!identifierPattern.test(name))
    throw new Error(`invalid ClickHouse identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

export function qualifiedTableName({ database, table }: TableName): string {
  return `${identifier(database)}.${identifier(table)}`;
}

function createTableSql<R>(definition: TableDefinition<R>, name: TableName): string {
  const columns = definition.columns.map((c) => `  ${identifier(c.name)} ${c.type}`).join(",\n");
  const orderBy = definition.orderBy.map(identifier).join(", ");
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedTableName(name)} (`,
    columns,
    `) ENGINE = MergeTree() PARTITION BY toYYYYMM(event_date) ORDER BY (${orderBy})`,
  ].join("\n");
}

const columnListSchema = z.object({ data: z.array(z.object({ name: z.string() })) });

async function existingColumns(client: ClickHouseClient, name: TableName): Promise<Set<string>> {
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
export async function ensureTable<R>(
  client: ClickHouseClient,
  definition: TableDefinition<R>,
  name: TableName,
): Promise<EnsureTableResult> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${identifier(name.database)}` });
  const before = await existingColumns(client, name);
  if (before.size === 0) {
    await client.command({ query: createTableSql(definition, name) });
    return { created: true, addedColumns: [] };
  }
  const addedColumns: string[] = [];
  for (const column of definition.columns) {
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
