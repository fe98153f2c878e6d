import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { CoverageLevel, CoverageSource, StationStatus, Tech } from "../../schema/tables.ts";
import { coverage, coverage_digests, settings, stations, village_events, villages } from "../../schema/tables.ts";
import {
  type ComputedClaim,
  type CoverageConfig,
  claimsDigest,
  DEFAULT_COVERAGE_CONFIG,
  effectiveClaims,
  maxRangeMeters,
  type StationForCoverage,
  StationIndex,
  villageCoverage,
} from "../domain/coverage.ts";
import { bboxAroundAll, byTile, expandBox, GridIndex, type LatLon } from "../domain/geo.ts";
import type { Db } from "../env.ts";
import { onAirInBox, villageStatesInBox, villagesInBox } from "./spatial.ts";

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
// Villages whose stored claims one read fetches; the whole list goes in one
// batch, so one round trip however many villages changed.
const CLAIMS_READ_CHUNK = 1000;

function chunks<T>(items: T[], size = JSON_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const villageColumns = {
  code: villages.code,
  lat: villages.lat,
  lon: villages.lon,
  coverage_state: villages.coverage_state,
  best_tech: villages.best_tech,
};

// As SQLite's own JSON (see packedRows): a bulk import or a full recompute
// may read back hundreds of thousands of claims.
async function claimsOf(db: Db, codes: string[]): Promise<ClaimRow[]> {
  return claimsWhere(
    db,
    chunks(codes, CLAIMS_READ_CHUNK).map(
      (part) => sql`${coverage.village_code} IN (SELECT value FROM json_each(${JSON.stringify(part)}))`,
    ),
  );
}

async function claimsWhere(db: Db, conditions: SQL[]): Promise<ClaimRow[]> {
  const c = coverage;
  const parts = conditions.map((condition) =>
    db
      .select({
        rows: sql<string>`json_group_array(json_array(${c.village_code}, ${c.operator_id}, ${c.tech}, ${c.source}, ${c.level}, ${c.effective}, ${c.station_id}, ${c.distance_m}, ${c.measurement_id}, ${c.verified_at}, ${c.updated_at}))`,
      })
      .from(coverage)
      .where(condition),
  );
  const [first, ...rest] = parts;
  if (!first) return [];
  const out: ClaimRow[] = [];
  for (const [r] of await db.batch([first, ...rest])) {
    type Packed = [
      string,
      string,
      Tech,
      CoverageSource,
      CoverageLevel,
      number,
      string | null,
      number | null,
      number | null,
      string,
      string,
    ];
    for (const row of JSON.parse(r?.rows ?? "[]") as Packed[]) {
      const [
        village_code,
        operator_id,
        tech,
        source,
        level,
        effective,
        station_id,
        distance_m,
        measurement_id,
        verified_at,
        updated_at,
      ] = row;
      out.push({
        village_code,
        operator_id,
        tech,
        source,
        level,
        effective: effective === 1,
        station_id,
        distance_m,
        measurement_id,
        verified_at,
        updated_at,
      });
    }
  }
  return out;
}

type Target = { village: VillageState; computed: ComputedClaim[]; digest?: string | null };

const claimKey = (c: { village_code: string; operator_id: string; tech: string; source: string }) =>
  `${c.village_code}|${c.operator_id}|${c.tech}|${c.source}`;

function sameRow(a: ClaimRow, b: ClaimRow): boolean {
  return (
    a.measurement_key === undefined &&
    b.measurement_key === undefined &&
    a.level === b.level &&
    a.effective === b.effective &&
    a.station_id === b.station_id &&
    a.distance_m === b.distance_m &&
    a.measurement_id === b.measurement_id &&
    a.verified_at === b.verified_at &&
    a.updated_at === b.updated_at
  );
}

// Brings the stored claims and village states in line with the fresh computed
// claims of the given villages, writing only what differs: the claims whose
// level, station, distance, dates or effective flag changed, and the villages
// whose state did. Nothing is
// executed here: callers batch these statements with their own change so the
// whole thing is atomic.
function plan(
  db: Db,
  targets: Target[],
  existing: ClaimRow[],
  cause: Cause,
  counts: { villages_considered: number; stations_considered: number },
): CoveragePlan {
  const existingByVillage = new Map<string, ClaimRow[]>();
  for (const row of existing) {
    const list = existingByVillage.get(row.village_code);
    if (list) list.push(row);
    else existingByVillage.set(row.village_code, [row]);
  }

  const inserted: ClaimRow[] = [];
  const removed: ClaimRow[] = [];
  const digests: Array<{ code: string; digest: string }> = [];
  const changes: VillageChange[] = [];
  for (const { village: v, computed, digest } of targets) {
    const before = existingByVillage.get(v.code) ?? [];
    const previous = new Map(before.filter((r) => r.source === "computed").map((r) => [claimKey(r), r]));
    const fresh: ClaimRow[] = computed.map((c) => {
      const old = previous.get(`${c.village_code}|${c.operator_id}|${c.tech}|computed`);
      const unchanged =
        old && old.level === c.level && old.station_id === c.station_id && old.distance_m === c.distance_m;
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
        verified_at: unchanged ? old.verified_at : cause.at,
        updated_at: unchanged ? old.updated_at : cause.at,
      };
    });
    const all = [...fresh, ...before.filter((r) => r.source !== "computed")];
    const winners = new Set(effectiveClaims(all));
    const after = all.map((r) => ({ ...r, effective: winners.has(r) }));
    // Only the rows that differ are deleted and inserted again: each write
    // to coverage runs the tally and digest triggers.
    const stored = new Map(before.map((r) => [claimKey(r), r]));
    const kept = new Set<string>();
    for (const r of after) {
      const key = claimKey(r);
      const b = stored.get(key);
      if (b !== undefined && sameRow(r, b)) kept.add(key);
      else inserted.push(r);
    }
    for (const [key, b] of stored) if (!kept.has(key)) removed.push(b);
    const same = kept.size === after.length && kept.size === before.length;
    const state = villageCoverage(all, v.lat !== null && v.lon !== null);
    const stateChanged = state.coverage_state !== v.coverage_state || state.best_tech !== v.best_tech;
    if (stateChanged) {
      changes.push({
        code: v.code,
        from_state: v.coverage_state,
        to_state: state.coverage_state,
        from_best_tech: v.best_tech,
        to_best_tech: state.best_tech,
      });
    }
    // Rewriting claims or state drops the stored digest (see the triggers of
    // coverage_digests), so it is written again, last.
    const fresh_digest = claimsDigest(computed);
    if (!same || stateChanged || (digest !== undefined && digest !== fresh_digest)) {
      digests.push({ code: v.code, digest: fresh_digest });
    }
  }

  const statements: BatchItem<"sqlite">[] = [];
  for (const part of chunks(removed)) {
    const keys = JSON.stringify(part.map((r) => [r.village_code, r.operator_id, r.tech, r.source]));
    statements.push(
      db
        .delete(coverage)
        .where(
          sql`(${coverage.village_code}, ${coverage.operator_id}, ${coverage.tech}, ${coverage.source}) IN (SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(${keys}))`,
        ),
    );
  }
  for (const part of chunks(inserted)) {
    statements.push(insertCoverageRows(db, part));
  }
  for (const part of chunks(changes)) {
    const payload = JSON.stringify(part);
    // UPDATE … FROM joins each village to its change once; a subquery per
    // column would scan the whole chunk for every village.
    const field = (name: keyof VillageChange) => sql`j.value->>${name}`;
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
        .from(sql`json_each(${payload}) AS j`)
        .where(sql`${villages.code} = j.value->>'code'`),
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
  for (const part of chunks(digests, 2000)) {
    statements.push(
      db
        .insert(coverage_digests)
        .select(
          db
            .select({
              village_code: sql`value->>'code'`.as("village_code"),
              digest: sql`value->>'digest'`.as("digest"),
            })
            .from(sql`json_each(${JSON.stringify(part)})`)
            // SQLite needs a WHERE here to tell the upsert's ON from a join's.
            .where(sql`true`),
        )
        .onConflictDoUpdate({ target: coverage_digests.village_code, set: { digest: sql`excluded.digest` } }),
    );
  }
  return { statements, ...counts, changes };
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

function targetsOf(villageStates: VillageState[], index: StationIndex): Target[] {
  return villageStates.map((village) => ({ village, computed: index.claimsFor(village) }));
}

// Changed places are read by tiles of this many degrees (about 55 km), each
// tile's villages and stations with one query apiece.
const TILE_DEG = 0.5;

// At most this many tiles, three queries each, keeps a bulk change well
// within D1's queries per request.
const MAX_TILES = 30;

// Places spread over a country are read by coarser tiles: at most MAX_TILES
// of them, however spread a bulk change is.
function coarseTiles<T extends LatLon>(points: T[]): { tiles: T[][]; deg: number } {
  let deg = TILE_DEG;
  let tiles = byTile(points, deg);
  while (tiles.length > MAX_TILES && deg < 8) {
    deg *= 2;
    tiles = byTile(points, deg);
  }
  return { tiles, deg };
}

// Incremental recompute after stations change: only villages within reach of
// the stations' old and new positions are touched, and only stations within
// reach of those villages are read (through the grid index, per tile of the
// changed positions).
export async function planAround(
  db: Db,
  input: { centers: LatLon[]; changed: StationForCoverage[]; config: CoverageConfig; cause: Cause },
): Promise<CoveragePlan> {
  const reach = maxRangeMeters(input.config);
  const found = new Map<string, VillageState>();
  const nearby = new Map<string, StationForCoverage>();
  const claims = new Map<string, ClaimRow>();
  const { tiles, deg } = coarseTiles(input.centers);
  // One neighbourhood (a station changed by hand) reads its claims in the
  // same round trip as its villages; the claims of a whole tile of a bulk
  // change could outgrow D1's limit on one value, and are read afterwards
  // for the villages within reach only.
  const alongside = deg === TILE_DEG && tiles.length === 1;
  for (const centers of tiles) {
    // Villages lie within `reach` of a center and stations reaching them within
    // `reach` of the villages; the margin absorbs the box's latitude distortion.
    const box = bboxAroundAll(centers, reach);
    const [rows, reaching, stored] = await Promise.all([
      villageStatesInBox(db, box),
      onAirInBox(db, expandBox(box, reach * 1.1)),
      alongside
        ? claimsWhere(db, [
            sql`${coverage.village_code} IN (SELECT ${villages.code} FROM ${villages} WHERE ${villagesInBox(box)})`,
          ])
        : [],
    ]);
    const near = new GridIndex(centers, 0.05);
    for (const v of rows) {
      if (v.lat !== null && v.lon !== null && near.within(v as LatLon, reach).length > 0) found.set(v.code, v);
    }
    for (const s of reaching) nearby.set(s.id, s);
    for (const c of stored) claims.set(claimKey(c), c);
  }
  const targets = [...found.values()];
  for (const s of input.changed) nearby.set(s.id, s);
  const radiating = radiatingOnly([...nearby.values()]);
  const existing = alongside
    ? [...claims.values()].filter((c) => found.has(c.village_code))
    : await claimsOf(
        db,
        targets.map((t) => t.code),
      );
  return plan(db, targetsOf(targets, new StationIndex(radiating, input.config)), existing, input.cause, {
    villages_considered: targets.length,
    stations_considered: radiating.length,
  });
}

// Rows as SQLite's own JSON: a table read this way costs one value per rowid
// range instead of one object per row on its way out of D1, which is most of
// the time of reading 100,000 rows. JSON keeps REAL values exact.
const PACKED_ROWS = 15_000;

async function packedRows<T extends unknown[]>(
  db: Db,
  table: typeof villages | typeof stations,
  columns: SQL,
  where?: SQL,
): Promise<T[]> {
  const [range] = await db.select({ last: sql<number | null>`max(rowid)` }).from(table);
  const last = range?.last ?? 0;
  const reads = [];
  for (let from = 0; from <= last; from += PACKED_ROWS) {
    reads.push(
      db
        .select({ rows: sql<string | null>`json_group_array(json_array(${columns}))` })
        .from(table)
        .where(and(sql`${table}.rowid >= ${from} AND ${table}.rowid < ${from + PACKED_ROWS}`, where)),
    );
  }
  const [first, ...rest] = reads;
  if (!first) return [];
  const out: T[] = [];
  for (const [r] of await db.batch([first, ...rest])) {
    for (const row of JSON.parse(r?.rows ?? "[]") as T[]) out.push(row);
  }
  return out;
}

type StoredVillage = VillageState & { digest: string | null };

async function allVillageStates(db: Db): Promise<StoredVillage[]> {
  const rows = await packedRows<[string, number | null, number | null, CoverageLevel, Tech | null, string | null]>(
    db,
    villages,
    sql`${villages.code}, ${villages.lat}, ${villages.lon}, ${villages.coverage_state}, ${villages.best_tech}, (SELECT ${coverage_digests.digest} FROM ${coverage_digests} WHERE ${coverage_digests.village_code} = ${villages.code})`,
  );
  return rows.map(([code, lat, lon, coverage_state, best_tech, digest]) => ({
    code,
    lat,
    lon,
    coverage_state,
    best_tech,
    digest,
  }));
}

async function allOnAir(db: Db): Promise<StationForCoverage[]> {
  const rows = await packedRows<[string, string, number, number, string, StationStatus]>(
    db,
    stations,
    sql`${stations.id}, ${stations.operator_id}, ${stations.lat}, ${stations.lon}, ${stations.technologies}, ${stations.status}`,
    eq(stations.status, "on_air"),
  );
  return rows.map(([id, operator_id, lat, lon, technologies, status]) => ({
    id,
    operator_id,
    lat,
    lon,
    technologies: JSON.parse(technologies) as Tech[],
    status,
  }));
}

// `changed` stations and `pending` villages are as the caller's own statements,
// earlier in the same batch, will leave them (a bulk import's new and changed
// rows); the database still holds them as before. Every village is computed;
// only those whose claims hash differently from what was last written (or
// that have no digest) are read back and compared in full.
export async function planFull(
  db: Db,
  input: { config: CoverageConfig; cause: Cause; changed?: StationForCoverage[]; pending?: VillageState[] },
): Promise<CoveragePlan> {
  const [stored, onAir] = await Promise.all([allVillageStates(db), allOnAir(db)]);
  const all = new Map(stored.map((v) => [v.code, v]));
  for (const v of input.pending ?? []) all.set(v.code, { ...v, digest: null });
  const radiating = new Map(onAir.map((s) => [s.id, s]));
  for (const s of input.changed ?? []) radiating.set(s.id, s);
  const index = new StationIndex(radiatingOnly([...radiating.values()]), input.config);
  const targets: Target[] = [];
  for (const v of all.values()) {
    if (v.digest !== null && v.digest === index.digestFor(v)) continue;
    const { digest, ...village } = v;
    targets.push({ village, computed: index.claimsFor(village), digest });
  }
  const existing = await claimsOf(
    db,
    targets.map((t) => t.village.code),
  );
  return plan(db, targets, existing, input.cause, {
    villages_considered: all.size,
    stations_considered: radiatingOnly([...radiating.values()]).length,
  });
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
  const located = targets.filter((v): v is VillageState & LatLon => v.lat !== null && v.lon !== null);
  for (const tile of coarseTiles(located).tiles) {
    for (const s of await onAirInBox(db, bboxAroundAll(tile, reach * 1.05))) nearby.set(s.id, s);
  }
  const stored = await claimsOf(
    db,
    targets.map((t) => t.code),
  );
  const replaced = new Set((input.claims ?? []).map(claimKey));
  const existing = [...stored.filter((c) => !replaced.has(claimKey(c))), ...(input.claims ?? [])];
  return plan(db, targetsOf(targets, new StationIndex([...nearby.values()], input.config)), existing, input.cause, {
    villages_considered: targets.length,
    stations_considered: nearby.size,
  });
}
