import { getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../env.ts";

// Bulk writes for imports. D1 binds at most 100 parameters per statement, so
// rows travel as one JSON parameter per chunk, expanded by json_each(). Values
// go through each column's driver mapping first (JSON columns become text,
// booleans 0/1), exactly as a drizzle insert would store them.
export const BULK_CHUNK = 400;

export function chunked<T>(items: T[], size = BULK_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Row = Record<string, unknown>;

function columnsOf(table: SQLiteTable, keys: string[]): Array<[string, SQLiteColumn]> {
  const all = getTableColumns(table) as Record<string, SQLiteColumn>;
  return keys.map((k) => {
    const column = all[k];
    if (!column) throw new Error(`${getTableName(table)} has no column ${k}`);
    return [k, column];
  });
}

function payload(columns: Array<[string, SQLiteColumn]>, rows: Row[]): string {
  return JSON.stringify(
    rows.map((r) =>
      Object.fromEntries(
        columns.map(([k, c]) => {
          const v = r[k];
          return [k, v === null || v === undefined ? null : c.mapToDriverValue(v)];
        }),
      ),
    ),
  );
}

const ident = (name: string) => sql.raw(`"${name.replaceAll('"', '""')}"`);

// Query builders rather than db.run(): drizzle's batch cannot prepare raw SQL
// with parameters. Rows carry every column, in the table's order, as an
// INSERT … SELECT from drizzle lists them all.
export function bulkInsert(db: Db, table: SQLiteTable, rows: Row[]) {
  const columns = columnsOf(table, Object.keys(getTableColumns(table)));
  return chunked(rows).map((part) =>
    db
      .insert(table)
      .select(
        db
          .select(Object.fromEntries(columns.map(([k]) => [k, sql`value->>${k}`.as(k)])))
          .from(sql`json_each(${payload(columns, part)})`),
      ),
  );
}

// UPDATE of the given columns, matching rows on `key`.
export function bulkUpdate(db: Db, table: SQLiteTable, key: string, keys: string[], rows: Row[]) {
  const [[, keyColumn]] = columnsOf(table, [key]) as [[string, SQLiteColumn]];
  const columns = columnsOf(table, [key, ...keys]);
  const values = Object.fromEntries(keys.map((k) => [k, sql`j.value->>${k}`]));
  return chunked(rows).map((part) =>
    db
      .update(table)
      .set(values)
      .from(sql`json_each(${payload(columns, part)}) AS j`)
      .where(sql`${keyColumn} = j.value->>${key}`),
  );
}

const STALE = "stale-import";

// Fails the batch unless every listed row still has the version it was read
// at (see version-guard.ts for why an invalid JSON path): an import decides
// create, update or unchanged from what it read, and must not overwrite a
// change that landed in between.
export function expectVersions(db: Db, table: SQLiteTable, rows: Array<{ key: string; version: number }>) {
  const all = getTableColumns(table) as Record<string, SQLiteColumn>;
  const key = Object.values(all).find((c) => c.primary);
  const version = all.version;
  if (!key || !version) throw new Error(`${getTableName(table)} needs a primary key and a version`);
  return chunked(rows).map((part) => {
    const moved: SQL = sql`EXISTS (SELECT 1 FROM json_each(${JSON.stringify(part)}) AS j JOIN ${table} ON ${table}.${ident(key.name)} = j.value->>'key' WHERE ${table}.${ident(version.name)} <> j.value->>'version')`;
    return db
      .select({ guard: sql`json_extract('{}', CASE WHEN ${moved} THEN ${STALE} ELSE '$' END)` })
      .from(sql`(SELECT 1)`);
  });
}

export function isStaleImport(err: unknown): boolean {
  const e = err as { message?: unknown; cause?: unknown } | undefined;
  return `${String(e?.message)} ${String(e?.cause)}`.includes(STALE);
}
