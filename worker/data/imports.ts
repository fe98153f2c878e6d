import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type Era, operators, type StationStatus, stations, units, villages } from "../../schema/tables.ts";
import { type CoverageConfig, radiates, type StationForCoverage } from "../domain/coverage.ts";
import { bboxAroundAll, GridIndex, type LatLon } from "../domain/geo.ts";
import type { StationImportRow, VillageImportRow } from "../domain/imports.ts";
import { changedFields, type EditableStation, nextStates, type StepDates, stepDate } from "../domain/lifecycle.ts";
import { normalizeName } from "../domain/text.ts";
import type { Db } from "../env.ts";
import { type AuditEntry, auditInsertMany } from "./audit.ts";
import { bulkInsert, bulkUpdate, chunked, expectVersions } from "./bulk.ts";
import { type Cause, type CoveragePlan, planAround, planVillages, type VillageState } from "./engine.ts";
import {
  nearestOf,
  PLACEMENT_REACH_M,
  SEARCH_STEPS_M,
  type UnitColumns,
  unitsOf,
  villagesForPlacement,
} from "./placement.ts";
import type { Station } from "./stations.ts";

export type ImportContext = {
  actor: string;
  actor_role: string;
  at: string;
  today: string;
  request_id?: string;
  config: CoverageConfig;
};

export type ImportProblem = { row: number; field: string; problem: string };

export type ImportPlan = {
  statements: BatchItem<"sqlite">[];
  problems: ImportProblem[];
  created: number;
  updated: number;
  unchanged: number;
  coverage: { villages_considered: number; villages_changed: number };
};

type Village = typeof villages.$inferSelect;

const EMPTY_STEPS: StepDates = {
  planned_at: null,
  permitted_at: null,
  building_at: null,
  on_air_at: null,
  outage_at: null,
  decommissioned_at: null,
};

// A query per chunk of rows rather than per row: the keys travel as one JSON
// parameter.
async function existingStations(db: Db, rows: StationImportRow[]): Promise<Map<string, Station>> {
  const found = new Map<string, Station>();
  for (const part of chunked(rows)) {
    const keys = JSON.stringify(part.map((r) => [r.operator_id, r.site_code]));
    const hits = await db
      .select()
      .from(stations)
      .where(
        sql`(${stations.operator_id}, ${stations.site_code}) IN (SELECT value->>0, value->>1 FROM json_each(${keys}))`,
      );
    for (const s of hits) found.set(`${s.operator_id}\u0000${s.site_code}`, s);
  }
  return found;
}

// The nearest village of each point, by the rule of placement.ts (nearest
// within widening circles, ties to the smaller code), but for a whole file at
// once: one read of the villages around the file's extent instead of a few
// queries per station.
async function nearestVillages(db: Db, points: LatLon[]): Promise<Array<UnitColumns | null>> {
  if (points.length === 0) return [];
  const index = new GridIndex(await villagesForPlacement(db, bboxAroundAll(points, PLACEMENT_REACH_M)));
  return points.map((p) => {
    for (const radius of SEARCH_STEPS_M) {
      const found = nearestOf(index.within(p, radius));
      if (found) return unitsOf(found.item);
    }
    return null;
  });
}

const forCoverage = (s: Station): StationForCoverage => ({
  id: s.id,
  operator_id: s.operator_id,
  lat: s.lat,
  lon: s.lon,
  technologies: s.technologies,
  status: s.status,
});

function emptyPlan(): CoveragePlan {
  return { statements: [], villages_considered: 0, stations_considered: 0, changes: [] };
}

function audits(
  db: Db,
  ctx: ImportContext,
  entityType: string,
  changes: Array<{ id: string; before: unknown; after: unknown }>,
) {
  const entries: Array<AuditEntry & { entity_id: string }> = changes.map((c) => ({
    at: ctx.at,
    actor: ctx.actor,
    actor_role: ctx.actor_role,
    action: c.before === null ? "create" : "update",
    entity_type: entityType,
    entity_id: c.id,
    before: c.before,
    after: c.after,
    request_id: ctx.request_id,
  }));
  // Full before/after rows make audit payloads the largest of an import.
  return chunked(entries, 150).map((part) => auditInsertMany(db, part));
}

const STATION_UPDATE_COLUMNS = [
  "name",
  "lat",
  "lon",
  "technologies",
  "antenna_height_m",
  "status",
  "planned_on_air_date",
  "planned_at",
  "permitted_at",
  "building_at",
  "on_air_at",
  "outage_at",
  "decommissioned_at",
  "province_code",
  "commune_code",
  "old_province_code",
  "old_district_code",
  "old_commune_code",
  "version",
  "updated_by",
  "updated_at",
];

export async function planStationImport(db: Db, rows: StationImportRow[], ctx: ImportContext): Promise<ImportPlan> {
  const problems: ImportProblem[] = [];
  const known = new Set((await db.select({ id: operators.id }).from(operators)).map((o) => o.id));
  rows.forEach((r, i) => {
    if (!known.has(r.operator_id)) {
      problems.push({
        row: i + 1,
        field: "operator_id",
        problem: `is not a known operator; the operators are ${[...known].sort().join(", ")}`,
      });
    }
  });
  if (problems.length > 0) return { ...nothing(), problems };

  const existing = await existingStations(db, rows);
  type Pending = { row: number; before: Station | null; after: Station; moved: boolean };
  const pending: Pending[] = [];
  let unchanged = 0;
  rows.forEach((r, i) => {
    const row = i + 1;
    const before = existing.get(`${r.operator_id}\u0000${r.site_code}`) ?? null;
    const patch: Partial<EditableStation> = {};
    for (const key of [
      "name",
      "lat",
      "lon",
      "technologies",
      "antenna_height_m",
      "status",
      "planned_on_air_date",
    ] as const) {
      if (r[key] !== undefined && r[key] !== null) Object.assign(patch, { [key]: r[key] });
    }
    if (!before) {
      const status: StationStatus = r.status ?? "planned";
      pending.push({
        row,
        before: null,
        moved: true,
        after: {
          id: `st-${crypto.randomUUID()}`,
          operator_id: r.operator_id,
          site_code: r.site_code,
          name: r.name ?? null,
          lat: r.lat,
          lon: r.lon,
          technologies: r.technologies,
          antenna_height_m: r.antenna_height_m ?? null,
          status,
          planned_on_air_date: r.planned_on_air_date ?? null,
          ...EMPTY_STEPS,
          ...stepDate(EMPTY_STEPS, status, ctx.today),
          province_code: null,
          commune_code: null,
          old_province_code: null,
          old_district_code: null,
          old_commune_code: null,
          synthetic: false,
          version: 1,
          created_by: ctx.actor,
          updated_by: ctx.actor,
          created_at: ctx.at,
          updated_at: ctx.at,
        },
      });
      return;
    }
    const changes = changedFields(before, patch);
    if (Object.keys(changes).length === 0) {
      unchanged++;
      return;
    }
    const allowed = nextStates(before.status);
    if (allowed.length === 0) {
      problems.push({
        row,
        field: changes.status === undefined ? "site_code" : "status",
        problem: `station ${before.site_code} is ${before.status}, which is final: it cannot change any more`,
      });
      return;
    }
    if (changes.status !== undefined && !allowed.includes(changes.status)) {
      problems.push({
        row,
        field: "status",
        problem: `station ${before.site_code} is ${before.status} and cannot become ${changes.status}; allowed next: ${allowed.join(", ")}`,
      });
      return;
    }
    pending.push({
      row,
      before,
      moved: changes.lat !== undefined || changes.lon !== undefined,
      after: {
        ...before,
        ...changes,
        ...(changes.status ? stepDate(before, changes.status, ctx.today) : {}),
        version: before.version + 1,
        updated_by: ctx.actor,
        updated_at: ctx.at,
      },
    });
  });

  const placing = pending.filter((p) => p.moved);
  const placements = await nearestVillages(
    db,
    placing.map((p) => p.after),
  );
  placing.forEach((p, i) => {
    const units = placements[i];
    if (units) Object.assign(p.after, units);
    else {
      problems.push({
        row: p.row,
        field: "lat",
        problem: `no village lies within ${PLACEMENT_REACH_M / 1000} km of ${p.after.lat}, ${p.after.lon}: stations are placed in the tracked provinces (are lat and lon swapped?)`,
      });
    }
  });
  if (problems.length > 0) return { ...nothing(), problems };

  const created = pending.filter((p) => p.before === null).map((p) => p.after);
  const updated = pending.filter((p): p is Pending & { before: Station } => p.before !== null);

  // Planned, permitted and building stations radiate nothing: only a change
  // to or from the air, or of a radiating station's position or
  // technologies, moves coverage.
  const radiating = pending.filter((p) => radiates(p.after.status) || (p.before !== null && radiates(p.before.status)));
  const cause: Cause = {
    cause: `import of ${rows.length} station rows`,
    station_id: radiating.length === 1 ? radiating[0]?.after.id : null,
    actor: ctx.actor,
    at: ctx.at,
  };
  const centers = radiating.flatMap((p) => (p.before && p.moved ? [p.before, p.after] : [p.after]));
  const changed = radiating.map((p) => forCoverage(p.after));
  const plan =
    radiating.length === 0 ? emptyPlan() : await planAround(db, { centers, changed, config: ctx.config, cause });

  const statements: BatchItem<"sqlite">[] = [
    ...expectVersions(
      db,
      stations,
      updated.map((p) => ({ key: p.before.id, version: p.before.version })),
    ),
    ...bulkInsert(db, stations, created),
    ...bulkUpdate(
      db,
      stations,
      "id",
      STATION_UPDATE_COLUMNS,
      updated.map((p) => p.after),
    ),
    ...plan.statements,
    ...audits(
      db,
      ctx,
      "station",
      pending.map((p) => ({ id: p.after.id, before: p.before, after: p.after })),
    ),
  ];
  return {
    statements,
    problems,
    created: created.length,
    updated: updated.length,
    unchanged,
    coverage: { villages_considered: plan.villages_considered, villages_changed: plan.changes.length },
  };
}

function nothing(): ImportPlan {
  return {
    statements: [],
    problems: [],
    created: 0,
    updated: 0,
    unchanged: 0,
    coverage: { villages_considered: 0, villages_changed: 0 },
  };
}

type UnitRow = { code: string; era: Era; parent_code: string | null };

async function unitsByCode(
  db: Db,
  era: Era,
  level: "commune" | "district",
  codes: string[],
): Promise<Map<string, UnitRow>> {
  const out = new Map<string, UnitRow>();
  for (const part of chunked([...new Set(codes)])) {
    const rows = await db
      .select({ code: units.code, era: units.era, parent_code: units.parent_code })
      .from(units)
      .where(
        sql`${units.era} = ${era} AND ${units.level} = ${level} AND ${units.code} IN (SELECT value FROM json_each(${JSON.stringify(part)}))`,
      );
    for (const u of rows) out.set(u.code, u);
  }
  return out;
}

async function existingVillages(db: Db, codes: string[]): Promise<Map<string, Village>> {
  const out = new Map<string, Village>();
  for (const part of chunked(codes)) {
    const rows = await db
      .select()
      .from(villages)
      .where(sql`${villages.code} IN (SELECT value FROM json_each(${JSON.stringify(part)}))`);
    for (const v of rows) out.set(v.code, v);
  }
  return out;
}

const VILLAGE_FIELDS = [
  "name",
  "name_normalized",
  "province_code",
  "commune_code",
  "old_province_code",
  "old_district_code",
  "old_commune_code",
  "lat",
  "lon",
  "households",
  "population",
] as const;

export async function planVillageImport(db: Db, rows: VillageImportRow[], ctx: ImportContext): Promise<ImportPlan> {
  const problems: ImportProblem[] = [];
  const [communes, oldCommunes] = await Promise.all([
    unitsByCode(
      db,
      "2025",
      "commune",
      rows.map((r) => r.commune_code),
    ),
    unitsByCode(
      db,
      "pre2025",
      "commune",
      rows.flatMap((r) => (r.old_commune_code ? [r.old_commune_code] : [])),
    ),
  ]);
  const districts = await unitsByCode(
    db,
    "pre2025",
    "district",
    [...oldCommunes.values()].flatMap((c) => (c.parent_code ? [c.parent_code] : [])),
  );
  rows.forEach((r, i) => {
    if (!communes.get(r.commune_code)?.parent_code) {
      problems.push({
        row: i + 1,
        field: "commune_code",
        problem: `is not a commune of the 2025 units: ${r.commune_code}`,
      });
    }
    if (r.old_commune_code && !oldCommunes.has(r.old_commune_code)) {
      problems.push({
        row: i + 1,
        field: "old_commune_code",
        problem: `is not a commune of the pre-2025 units: ${r.old_commune_code}`,
      });
    }
  });
  if (problems.length > 0) return { ...nothing(), problems };

  const existing = await existingVillages(
    db,
    rows.map((r) => r.code),
  );
  type Pending = { before: Village | null; after: Village; located: boolean };
  const pending: Pending[] = [];
  let unchanged = 0;
  for (const r of rows) {
    const before = existing.get(r.code) ?? null;
    const oldCommune = r.old_commune_code ? oldCommunes.get(r.old_commune_code) : undefined;
    const oldDistrict = oldCommune?.parent_code ? districts.get(oldCommune.parent_code) : undefined;
    const given = {
      name: r.name,
      name_normalized: normalizeName(r.name),
      commune_code: r.commune_code,
      // Checked above: every 2025 commune of the file has a province.
      province_code: communes.get(r.commune_code)?.parent_code as string,
      ...(oldCommune
        ? {
            old_commune_code: oldCommune.code,
            old_district_code: oldDistrict?.code ?? null,
            old_province_code: oldDistrict?.parent_code ?? null,
          }
        : {}),
      lat: r.lat,
      lon: r.lon,
      households: r.households,
      population: r.population,
    };
    if (!before) {
      pending.push({
        before: null,
        located: r.lat !== undefined,
        after: {
          code: r.code,
          name: r.name,
          name_normalized: given.name_normalized,
          province_code: given.province_code,
          commune_code: r.commune_code,
          old_province_code: given.old_province_code ?? null,
          old_district_code: given.old_district_code ?? null,
          old_commune_code: given.old_commune_code ?? null,
          lat: r.lat ?? null,
          lon: r.lon ?? null,
          households: r.households ?? null,
          population: r.population ?? null,
          synthetic: false,
          coverage_state: "unknown",
          best_tech: null,
          coverage_changed_at: null,
          evidence_at: null,
          version: 1,
          created_at: ctx.at,
          updated_at: ctx.at,
        },
      });
      continue;
    }
    const changes: Partial<Village> = {};
    for (const key of VILLAGE_FIELDS) {
      const value = given[key];
      if (value !== undefined && value !== before[key]) Object.assign(changes, { [key]: value });
    }
    if (Object.keys(changes).length === 0) {
      unchanged++;
      continue;
    }
    pending.push({
      before,
      located: changes.lat !== undefined || changes.lon !== undefined,
      after: { ...before, ...changes, version: before.version + 1, updated_at: ctx.at },
    });
  }

  const created = pending.filter((p) => p.before === null).map((p) => p.after);
  const updated = pending.filter((p): p is Pending & { before: Village } => p.before !== null);
  const placed: VillageState[] = pending
    .filter((p) => p.located)
    .map((p) => ({
      code: p.after.code,
      lat: p.after.lat,
      lon: p.after.lon,
      coverage_state: p.after.coverage_state,
      best_tech: p.after.best_tech,
    }));
  const cause: Cause = { cause: `import of ${rows.length} village rows`, actor: ctx.actor, at: ctx.at };
  const plan =
    placed.length === 0
      ? emptyPlan()
      : await planVillages(db, { codes: [], config: ctx.config, cause, pending: placed });

  const statements: BatchItem<"sqlite">[] = [
    ...expectVersions(
      db,
      villages,
      updated.map((p) => ({ key: p.before.code, version: p.before.version })),
    ),
    ...bulkInsert(db, villages, created),
    ...bulkUpdate(
      db,
      villages,
      "code",
      [...VILLAGE_FIELDS, "version", "updated_at"],
      updated.map((p) => p.after),
    ),
    ...plan.statements,
    ...audits(
      db,
      ctx,
      "village",
      pending.map((p) => ({ id: p.after.code, before: p.before, after: p.after })),
    ),
  ];
  return {
    statements,
    problems,
    created: created.length,
    updated: updated.length,
    unchanged,
    coverage: { villages_considered: plan.villages_considered, villages_changed: plan.changes.length },
  };
}
