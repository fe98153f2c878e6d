import { and, eq, gte, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { CoverageLevel, Tech } from "../../schema/tables.ts";
import { coverage, settings, stations, village_events, villages } from "../../schema/tables.ts";
import {
  type ComputedClaim,
  type CoverageConfig,
  computeClaims,
  DEFAULT_COVERAGE_CONFIG,
  effectiveClaims,
  maxRangeMeters,
  type StationForCoverage,
  villageCoverage,
} from "../domain/coverage.ts";
import { bboxAround, distanceMeters, type LatLon } from "../domain/geo.ts";
import type { Db } from "../env.ts";

export const COVERAGE_CONFIG_KEY = "coverage_config";

export async function loadCoverageConfig(db: Db): Promise<CoverageConfig> {
  const [row] = await db.select().from(settings).where(eq(settings.key, COVERAGE_CONFIG_KEY));
  return (row?.value as CoverageConfig | undefined) ?? DEFAULT_COVERAGE_CONFIG;
}

type CoverageRow = typeof coverage.$inferSelect;
// A claim whose measurement is inserted in the same batch: its id does not
// exist yet when the plan is made, so SQL looks it up by the measurement's
// idempotency key as the batch runs.
export type ClaimRow = CoverageRow & { measurement_key?: string };
export type VillageState = {
  code: string;
  lat: number | null;
  lon: number | null;
  coverage_state: CoverageLevel;
  best_tech: Tech | null;
};

export type Cause = {
  cause: string;
  station_id?: string | null;
  measurement_id?: number | null;
  measurement_key?: string;
  actor: string;
  at: string;
};

export type VillageChange = {
  code: string;
  from_state: CoverageLevel;
  to_state: CoverageLevel;
  from_best_tech: Tech | null;
  to_best_tech: Tech | null;
};

export type CoveragePlan = {
  statements: BatchItem<"sqlite">[];
  villages_considered: number;
  stations_considered: number;
  changes: VillageChange[];
};

// D1 binds at most 100 parameters per statement; rows travel as one JSON
// parameter expanded by json_each() instead, in chunks that keep each
// statement comfortably small.
const JSON_CHUNK = 400;

function chunks<T>(items: T[], size = JSON_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const stationColumns = {
  id: stations.id,
  operator_id: stations.operator_id,
  lat: stations.lat,
  lon: stations.lon,
  technologies: stations.technologies,
  status: stations.status,
};

const villageColumns = {
  code: villages.code,
  lat: villages.lat,
  lon: villages.lon,
  coverage_state: villages.coverage_state,
  best_tech: villages.best_tech,
};

function inBox(table: typeof villages | typeof stations, center: LatLon, meters: number) {
  const box = bboxAround(center, meters);
  return and(
    gte(table.lat, box.minLat),
    lte(table.lat, box.maxLat),
    gte(table.lon, box.minLon),
    lte(table.lon, box.maxLon),
  );
}

async function claimsOf(db: Db, codes: string[]): Promise<ClaimRow[]> {
  const rows: ClaimRow[] = [];
  for (const part of chunks(codes, 90)) {
    rows.push(...(await db.select().from(coverage).where(inArray(coverage.village_code, part))));
  }
  return rows;
}

// Recomputes the given villages against the given stations and plans the
// writes that bring the stored claims and village states in line. Nothing is
// executed here: callers batch these statements with their own change so the
// whole thing is atomic.
function plan(
  db: Db,
  targets: VillageState[],
  radiating: StationForCoverage[],
  existing: ClaimRow[],
  config: CoverageConfig,
  cause: Cause,
): CoveragePlan {
  const computed = computeClaims(targets, radiating, config);
  const computedByVillage = new Map<string, ComputedClaim[]>();
  for (const c of computed)
    computedByVillage.set(c.village_code, [...(computedByVillage.get(c.village_code) ?? []), c]);
  const keptByVillage = new Map<string, ClaimRow[]>();
  for (const row of existing) {
    if (row.source !== "computed")
      keptByVillage.set(row.village_code, [...(keptByVillage.get(row.village_code) ?? []), row]);
  }
  const previous = new Map(
    existing.filter((r) => r.source === "computed").map((r) => [`${r.village_code}|${r.operator_id}|${r.tech}`, r]),
  );

  const rows: ClaimRow[] = [];
  const changes: VillageChange[] = [];
  for (const v of targets) {
    const fresh: ClaimRow[] = (computedByVillage.get(v.code) ?? []).map((c) => {
      const before = previous.get(`${c.village_code}|${c.operator_id}|${c.tech}`);
      const unchanged =
        before && before.level === c.level && before.station_id === c.station_id && before.distance_m === c.distance_m;
      return {
        village_code: v.code,
        operator_id: c.operator_id,
        tech: c.tech,
        source: "computed",
        level: c.level,
        effective: false,
        station_id: c.station_id,
        distance_m: c.distance_m,
        measurement_id: null,
        verified_at: unchanged ? before.verified_at : cause.at,
        updated_at: unchanged ? before.updated_at : cause.at,
      };
    });
    const all = [...fresh, ...(keptByVillage.get(v.code) ?? [])];
    const winners = new Set(effectiveClaims(all));
    for (const r of all) rows.push({ ...r, effective: winners.has(r) });
    const state = villageCoverage(all, v.lat !== null && v.lon !== null);
    if (state.coverage_state !== v.coverage_state || state.best_tech !== v.best_tech) {
      changes.push({
        code: v.code,
        from_state: v.coverage_state,
        to_state: state.coverage_state,
        from_best_tech: v.best_tech,
        to_best_tech: state.best_tech,
      });
    }
  }

  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunks(targets.map((t) => t.code))) {
    statements.push(
      db
        .delete(coverage)
        .where(sql`${coverage.village_code} IN (SELECT value FROM json_each(${JSON.stringify(part)}))`),
    );
  }
  for (const part of chunks(rows)) {
    statements.push(insertCoverageRows(db, part));
  }
  for (const part of chunks(changes)) {
    const payload = JSON.stringify(part);
    const field = (name: keyof VillageChange) =>
      sql`(SELECT value->>${name} FROM json_each(${payload}) WHERE value->>'code' = ${villages.code})`;
    statements.push(
      db
        .update(villages)
        .set({
          coverage_state: field("to_state") as unknown as CoverageLevel,
          best_tech: field("to_best_tech") as unknown as Tech,
          coverage_changed_at: cause.at,
          updated_at: cause.at,
          version: sql`${villages.version} + 1`,
        })
        .where(sql`${villages.code} IN (SELECT value->>'code' FROM json_each(${payload}))`),
      db.insert(village_events).select(
        db
          .select({
            id: sql`NULL`.as("id"),
            village_code: sql`value->>'code'`.as("village_code"),
            at: sql`${cause.at}`.as("at"),
            from_state: sql`value->>'from_state'`.as("from_state"),
            to_state: sql`value->>'to_state'`.as("to_state"),
            from_best_tech: sql`value->>'from_best_tech'`.as("from_best_tech"),
            to_best_tech: sql`value->>'to_best_tech'`.as("to_best_tech"),
            cause: sql`${cause.cause}`.as("cause"),
            station_id: sql`${cause.station_id ?? null}`.as("station_id"),
            measurement_id:
              sql`coalesce(${cause.measurement_id ?? null}, ${measurementIdByKey(sql`${cause.measurement_key ?? null}`)})`.as(
                "measurement_id",
              ),
            actor: sql`${cause.actor}`.as("actor"),
          })
          .from(sql`json_each(${payload})`),
      ),
    );
  }
  return { statements, villages_considered: targets.length, stations_considered: radiating.length, changes };
}

// Many rows as one JSON parameter: D1 allows only 100 bound parameters per
// statement, and drizzle's batch needs query builders rather than raw SQL.
export function insertCoverageRows(db: Db, rows: ClaimRow[]) {
  const payload = JSON.stringify(rows.map((r) => ({ ...r, effective: r.effective ? 1 : 0 })));
  const col = (name: keyof CoverageRow) => sql`value->>${name}`.as(name);
  return db.insert(coverage).select(
    db
      .select({
        village_code: col("village_code"),
        operator_id: col("operator_id"),
        tech: col("tech"),
        source: col("source"),
        level: col("level"),
        effective: col("effective"),
        station_id: col("station_id"),
        distance_m: col("distance_m"),
        measurement_id:
          sql`coalesce(value->>'measurement_id', ${measurementIdByKey(sql`value->>'measurement_key'`)})`.as(
            "measurement_id",
          ),
        verified_at: col("verified_at"),
        updated_at: col("updated_at"),
      })
      .from(sql`json_each(${payload})`),
  );
}

function measurementIdByKey(key: SQL) {
  return sql`(SELECT id FROM measurements WHERE idempotency_key = ${key})`;
}

function radiatingOnly(list: StationForCoverage[]): StationForCoverage[] {
  return list.filter((s) => s.status === "on_air");
}

// Incremental recompute after stations change: only villages within reach of
// the stations' old and new positions are touched, and only stations within
// reach of those villages are read (both through the lat/lon index).
export async function planAround(
  db: Db,
  input: { centers: LatLon[]; changed: StationForCoverage[]; config: CoverageConfig; cause: Cause },
): Promise<CoveragePlan> {
  const reach = maxRangeMeters(input.config);
  const found = new Map<string, VillageState>();
  for (const center of input.centers) {
    const rows = await db
      .select(villageColumns)
      .from(villages)
      .where(inBox(villages, center, reach));
    for (const v of rows) {
      if (v.lat !== null && v.lon !== null && distanceMeters(center, v as LatLon) <= reach) found.set(v.code, v);
    }
  }
  const targets = [...found.values()];
  const nearby = new Map<string, StationForCoverage>();
  for (const center of input.centers) {
    // Villages lie within `reach` of a center and stations reaching them within
    // `reach` of the villages; the margin absorbs the box's latitude distortion.
    const rows = await db
      .select(stationColumns)
      .from(stations)
      .where(and(eq(stations.status, "on_air"), inBox(stations, center, reach * 2.1)));
    for (const s of rows) nearby.set(s.id, s);
  }
  for (const s of input.changed) nearby.set(s.id, s);
  const existing = await claimsOf(
    db,
    targets.map((t) => t.code),
  );
  return plan(db, targets, radiatingOnly([...nearby.values()]), existing, input.config, input.cause);
}

// `changed` stations and `pending` villages are as the caller's own statements,
// earlier in the same batch, will leave them (a bulk import's new and changed
// rows); the database still holds them as before.
export async function planFull(
  db: Db,
  input: { config: CoverageConfig; cause: Cause; changed?: StationForCoverage[]; pending?: VillageState[] },
): Promise<CoveragePlan> {
  const [allVillages, onAir, existing] = await Promise.all([
    db.select(villageColumns).from(villages),
    db.select(stationColumns).from(stations).where(eq(stations.status, "on_air")),
    db.select().from(coverage),
  ]);
  const targets = new Map(allVillages.map((v) => [v.code, v]));
  for (const v of input.pending ?? []) targets.set(v.code, v);
  const radiating = new Map(onAir.map((s) => [s.id, s]));
  for (const s of input.changed ?? []) radiating.set(s.id, s);
  return plan(db, [...targets.values()], radiatingOnly([...radiating.values()]), existing, input.config, input.cause);
}

// `claims` are survey or report claims that replace the stored claim of the
// same village × operator × technology × source, and `pending` villages are new
// or moved ones, both as the caller writes them earlier in the same batch.
export async function planVillages(
  db: Db,
  input: { codes: string[]; config: CoverageConfig; cause: Cause; claims?: ClaimRow[]; pending?: VillageState[] },
): Promise<CoveragePlan> {
  const reach = maxRangeMeters(input.config);
  const found = new Map<string, VillageState>();
  for (const part of chunks(input.codes, 90)) {
    for (const v of await db.select(villageColumns).from(villages).where(inArray(villages.code, part)))
      found.set(v.code, v);
  }
  for (const v of input.pending ?? []) found.set(v.code, v);
  const targets = [...found.values()];
  const nearby = new Map<string, StationForCoverage>();
  for (const v of targets) {
    if (v.lat === null || v.lon === null) continue;
    const rows = await db
      .select(stationColumns)
      .from(stations)
      .where(and(eq(stations.status, "on_air"), inBox(stations, v as LatLon, reach * 1.05)));
    for (const s of rows) nearby.set(s.id, s);
  }
  const stored = await claimsOf(
    db,
    targets.map((t) => t.code),
  );
  const claimKey = (c: ClaimRow) => `${c.village_code}|${c.operator_id}|${c.tech}|${c.source}`;
  const replaced = new Set((input.claims ?? []).map(claimKey));
  const existing = [...stored.filter((c) => !replaced.has(claimKey(c))), ...(input.claims ?? [])];
  return plan(db, targets, [...nearby.values()], existing, input.config, input.cause);
}
