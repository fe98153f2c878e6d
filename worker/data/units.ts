import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Era } from "../../schema/tables.ts";
import { unit_successions, units } from "../../schema/tables.ts";
import type { Db } from "../env.ts";
import { notFound } from "../errors.ts";

export type Unit = typeof units.$inferSelect;

function validOn(unit: Unit, date: string): boolean {
  return (unit.valid_from === null || unit.valid_from <= date) && (unit.valid_to === null || date <= unit.valid_to);
}

// A code names one unit unless the 2025 reform reused it; then the unit valid on
// `asOf` (default today) wins, and failing that the newest.
export async function resolveUnit(db: Db, code: string, asOf?: string): Promise<Unit> {
  const rows = await db.select().from(units).where(eq(units.code, code));
  if (rows.length === 0) throw notFound("unit", code);
  if (rows.length === 1) return rows[0] as Unit;
  const date = asOf ?? new Date().toISOString().slice(0, 10);
  const sorted = rows.sort((a, b) => (b.valid_from ?? "").localeCompare(a.valid_from ?? ""));
  return sorted.find((u) => validOn(u, date)) ?? (sorted[0] as Unit);
}

export async function otherVersions(db: Db, unit: Unit): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(and(eq(units.code, unit.code), sql`${units.era} <> ${unit.era}`));
}

export async function childrenOf(db: Db, unit: Unit): Promise<Unit[]> {
  return db
    .select()
    .from(units)
    .where(and(eq(units.parent_code, unit.code), eq(units.era, unit.era)))
    .orderBy(asc(units.code));
}

export async function successionOf(db: Db, unit: Unit) {
  if (unit.level !== "commune") return { predecessors: [], successors: [] };
  const rows = await db
    .select()
    .from(unit_successions)
    .where(unit.era === "2025" ? eq(unit_successions.new_code, unit.code) : eq(unit_successions.old_code, unit.code));
  const otherCodes = rows.map((r) => (unit.era === "2025" ? r.old_code : r.new_code));
  const otherEra: Era = unit.era === "2025" ? "pre2025" : "2025";
  const others =
    otherCodes.length === 0
      ? []
      : await db
          .select()
          .from(units)
          .where(and(inArray(units.code, otherCodes), eq(units.era, otherEra)));
  const linked = rows.map((r) => {
    const code = unit.era === "2025" ? r.old_code : r.new_code;
    const other = others.find((o) => o.code === code);
    return {
      code,
      era: otherEra,
      name: other?.full_name ?? null,
      merge_type: r.merge_type,
      effective_date: r.effective_date,
    };
  });
  return unit.era === "2025" ? { predecessors: linked, successors: [] } : { predecessors: [], successors: linked };
}

export async function listUnits(
  db: Db,
  filter: { parent?: Unit; level?: Unit["level"]; era?: Unit["era"]; q?: string },
): Promise<Unit[]> {
  const conditions = [
    filter.parent ? and(eq(units.parent_code, filter.parent.code), eq(units.era, filter.parent.era)) : undefined,
    filter.level ? eq(units.level, filter.level) : undefined,
    filter.era ? eq(units.era, filter.era) : undefined,
    filter.q
      ? or(sql`${units.name_normalized} LIKE ${`%${escapeLike(filter.q)}%`} ESCAPE '\\'`, eq(units.code, filter.q))
      : undefined,
  ];
  if (!filter.parent && !filter.level && !filter.q) conditions.push(eq(units.level, "province"));
  return db
    .select()
    .from(units)
    .where(and(...conditions))
    .orderBy(asc(units.era), asc(units.code))
    .limit(500);
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
