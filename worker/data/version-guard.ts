import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../env.ts";

const STALE = "stale-version";

// A D1 batch is one transaction but has no IF: only a failing statement rolls
// it back. An invalid JSON path is the one error plain SQL (no triggers, so no
// RAISE) can be made to throw with a message of our choosing, so this statement
// aborts the batch unless the row is still at the version the client saw. It
// must run before the row's own UPDATE: afterwards, a concurrent writer that
// started from the same version would leave the row looking just the same.
export function expectVersion(
  db: Db,
  table: SQLiteTable & { id: SQLiteColumn; version: SQLiteColumn },
  id: string | number,
  version: number,
) {
  const current: SQL = sql`EXISTS (SELECT 1 FROM ${table} WHERE ${table.id} = ${id} AND ${table.version} = ${version})`;
  // A query builder, not db.run(): drizzle's batch cannot prepare raw SQL.
  return db
    .select({ guard: sql`json_extract('{}', CASE WHEN ${current} THEN '$' ELSE ${STALE} END)` })
    .from(sql`(SELECT 1)`);
}

function errorText(err: unknown): string {
  const e = err as { message?: unknown; cause?: unknown } | undefined;
  return `${String(e?.message)} ${String(e?.cause)}`;
}

export function isStaleVersion(err: unknown): boolean {
  return errorText(err).includes(STALE);
}

// SQLite names the columns of the violated key ("UNIQUE constraint failed:
// stations.operator_id, stations.site_code"); `column` picks out which key.
export function isUniqueViolation(err: unknown, column: string): boolean {
  const text = errorText(err);
  return text.includes("UNIQUE constraint failed") && text.includes(column);
}
