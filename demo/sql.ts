// The demo as plain SQL, for `wrangler d1 execute --file` and for D1 batches in
// tests. Every insert skips rows whose key is already there: loading the demo
// twice adds nothing and never overwrites a row someone has changed since.
// ON CONFLICT DO NOTHING rather than INSERT OR IGNORE, which would also skip,
// silently, rows that break a NOT NULL or CHECK constraint.
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import {
  commitments,
  coverage,
  operators,
  settings,
  stations,
  unit_successions,
  units,
  villages,
} from "../schema/tables.ts";
import { type DemoData, generateDemo } from "./generate.ts";

// D1 refuses statements over 100 KB; rows are counted in UTF-8 bytes, since
// Vietnamese letters take two or three each.
const MAX_ROWS = 200;
const MAX_BYTES = 90_000;
export const DEMO_SEED_MARKER = "demo_seed";

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as SQL`);
    return String(value);
  }
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot write a ${typeof value} as SQL`);
}

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

// A column that no row sets is left to its default (the autoincrement ids);
// one that only some rows set would silently differ, so it is an error, as is
// a required column without a default that no row sets (the schema moved on).
function inserts(table: SQLiteTable, rows: ReadonlyArray<Record<string, unknown>>): string[] {
  if (rows.length === 0) return [];
  const name = getTableName(table);
  const all = Object.entries(getTableColumns(table));
  const missing = all.filter(([key, c]) => c.notNull && !c.hasDefault && rows.every((r) => r[key] === undefined));
  if (missing.length > 0) throw new Error(`${name}: no value for ${missing.map(([key]) => key).join(", ")}`);
  const columns = all.filter(([key]) => rows.some((r) => r[key] !== undefined));
  const head = `INSERT INTO ${quoteName(name)} (${columns.map(([, c]) => quoteName(c.name)).join(", ")}) VALUES\n`;
  const encoder = new TextEncoder();
  const statements: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  const flush = () => {
    if (chunk.length > 0) statements.push(`${head}${chunk.join(",\n")}\nON CONFLICT DO NOTHING;`);
    chunk = [];
    bytes = 0;
  };
  for (const row of rows) {
    const values = columns.map(([key, column]) => {
      const value = row[key];
      if (value === undefined) throw new Error(`${name}: a row lacks ${key}`);
      return sqlLiteral(value === null ? null : column.mapToDriverValue(value));
    });
    const tuple = `(${values.join(", ")})`;
    const size = encoder.encode(tuple).length + 2;
    if (chunk.length >= MAX_ROWS || (chunk.length > 0 && bytes + size > MAX_BYTES)) flush();
    chunk.push(tuple);
    bytes += size;
  }
  flush();
  return statements;
}

// In foreign-key order. The marker row goes last, alone, so that a load that
// stops half way is not taken for a finished one and is simply run again.
export function demoStatements(data: DemoData = generateDemo()): string[] {
  return [
    ...inserts(operators, data.operators),
    ...inserts(units, data.units),
    ...inserts(unit_successions, data.unit_successions),
    ...inserts(villages, data.villages),
    ...inserts(stations, data.stations),
    ...inserts(coverage, data.coverage),
    ...inserts(commitments, data.commitments),
    ...inserts(
      settings,
      data.settings.filter((s) => s.key !== DEMO_SEED_MARKER),
    ),
    ...inserts(
      settings,
      data.settings.filter((s) => s.key === DEMO_SEED_MARKER),
    ),
  ];
}
