import { and, asc, count, eq, gte, isNotNull, lte, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import {
  type CoverageLevel,
  type Era,
  progress_snapshots,
  stations,
  type UNIT_LEVELS,
  units,
  villages,
} from "../../schema/tables.ts";
import { progressFigures } from "../domain/progress.ts";
import type { Db } from "../env.ts";
import { chunked } from "./bulk.ts";
import type { Unit } from "./units.ts";

// Which column of villages and stations holds each kind of unit: the mapping
// of unitCondition() in filters.ts, which the live progress figures use.
const UNIT_COLUMNS: Array<{
  era: Era;
  level: (typeof UNIT_LEVELS)[number];
  village: SQLiteColumn;
  station: SQLiteColumn;
}> = [
  { era: "2025", level: "province", village: villages.province_code, station: stations.province_code },
  { era: "2025", level: "commune", village: villages.commune_code, station: stations.commune_code },
  { era: "pre2025", level: "province", village: villages.old_province_code, station: stations.old_province_code },
  { era: "pre2025", level: "district", village: villages.old_district_code, station: stations.old_district_code },
  { era: "pre2025", level: "commune", village: villages.old_commune_code, station: stations.old_commune_code },
];

export type SnapshotRow = typeof progress_snapshots.$inferInsert;

// One row per unit that has villages, in both eras and at every level, for
// `date`. A few grouped scans replace a progressFor() call per unit; the
// percentage still comes from progressFigures(), so a snapshot taken now
// equals GET /progress now.
export async function snapshotRows(db: Db, date: string, at: string): Promise<SnapshotRow[]> {
  const villageCounts = UNIT_COLUMNS.map((u) =>
    db
      .select({ code: sql<string>`${u.village}`, state: villages.coverage_state, n: count() })
      .from(villages)
      .where(isNotNull(u.village))
      .groupBy(u.village, villages.coverage_state),
  );
  const stationCounts = UNIT_COLUMNS.map((u) =>
    db
      .select({
        code: sql<string>`${u.station}`,
        total: sql<number>`sum(${stations.status} <> 'decommissioned')`,
        on_air: sql<number>`sum(${stations.status} = 'on_air')`,
      })
      .from(stations)
      .where(isNotNull(u.station))
      .groupBy(u.station),
  );
  const [allUnits, ...counts] = await db.batch([
    db.select({ code: units.code, era: units.era, level: units.level }).from(units),
    ...villageCounts,
    ...stationCounts,
  ]);
  const known = new Set(allUnits.map((u) => `${u.era}|${u.level}|${u.code}`));

  const rows: SnapshotRow[] = [];
  UNIT_COLUMNS.forEach((u, i) => {
    const states = new Map<string, Partial<Record<CoverageLevel, number>>>();
    for (const r of counts[i] as Array<{ code: string; state: CoverageLevel; n: number }>) {
      states.set(r.code, { ...states.get(r.code), [r.state]: r.n });
    }
    const byStation = new Map(
      (counts[i + UNIT_COLUMNS.length] as Array<{ code: string; total: number; on_air: number }>).map((r) => [
        r.code,
        r,
      ]),
    );
    for (const [code, stateCounts] of states) {
      if (!known.has(`${u.era}|${u.level}|${code}`)) continue;
      const s = byStation.get(code);
      rows.push({
        unit_code: code,
        unit_era: u.era,
        date,
        ...progressFigures(stateCounts),
        stations_total: s?.total ?? 0,
        stations_on_air: s?.on_air ?? 0,
        created_at: at,
      });
    }
  });
  return rows;
}

// Idempotent: a second snapshot of the same date replaces the first, so a
// retried cron or a manual run the same day leaves one row per unit and date.
export function upsertSnapshots(db: Db, rows: SnapshotRow[]) {
  const excluded = (column: string) => sql.raw(`excluded."${column}"`);
  return chunked(rows).map((part) =>
    db
      .insert(progress_snapshots)
      .select(
        db
          .select({
            unit_code: sql`value->>'unit_code'`.as("unit_code"),
            unit_era: sql`value->>'unit_era'`.as("unit_era"),
            date: sql`value->>'date'`.as("date"),
            villages_total: sql`value->>'villages_total'`.as("villages_total"),
            villages_covered: sql`value->>'villages_covered'`.as("villages_covered"),
            villages_uncovered: sql`value->>'villages_uncovered'`.as("villages_uncovered"),
            villages_unknown: sql`value->>'villages_unknown'`.as("villages_unknown"),
            coverage_pct: sql`value->>'coverage_pct'`.as("coverage_pct"),
            stations_total: sql`value->>'stations_total'`.as("stations_total"),
            stations_on_air: sql`value->>'stations_on_air'`.as("stations_on_air"),
            created_at: sql`value->>'created_at'`.as("created_at"),
          })
          .from(sql`json_each(${JSON.stringify(part)})`)
          // SQLite needs a WHERE here to tell the upsert's ON from a join's.
          .where(sql`true`),
      )
      .onConflictDoUpdate({
        target: [progress_snapshots.unit_code, progress_snapshots.unit_era, progress_snapshots.date],
        set: Object.fromEntries(
          [
            "villages_total",
            "villages_covered",
            "villages_uncovered",
            "villages_unknown",
            "coverage_pct",
            "stations_total",
            "stations_on_air",
            "created_at",
          ].map((c) => [c, excluded(c)]),
        ),
      }),
  );
}

export async function snapshotProgress(db: Db, date: string, at = new Date().toISOString()) {
  const rows = await snapshotRows(db, date, at);
  const [first, ...rest] = upsertSnapshots(db, rows);
  if (first) await db.batch([first, ...rest]);
  return { date, units: rows.length };
}

export async function progressHistory(db: Db, unit: Unit, range: { from?: string; to?: string }) {
  const conditions: Array<SQL | undefined> = [
    eq(progress_snapshots.unit_code, unit.code),
    eq(progress_snapshots.unit_era, unit.era),
    range.from ? gte(progress_snapshots.date, range.from) : undefined,
    range.to ? lte(progress_snapshots.date, range.to) : undefined,
  ];
  return db
    .select({
      date: progress_snapshots.date,
      villages_total: progress_snapshots.villages_total,
      villages_covered: progress_snapshots.villages_covered,
      villages_uncovered: progress_snapshots.villages_uncovered,
      villages_unknown: progress_snapshots.villages_unknown,
      coverage_pct: progress_snapshots.coverage_pct,
      stations_total: progress_snapshots.stations_total,
      stations_on_air: progress_snapshots.stations_on_air,
    })
    .from(progress_snapshots)
    .where(and(...conditions))
    .orderBy(asc(progress_snapshots.date));
}
