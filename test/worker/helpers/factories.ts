import { env } from "cloudflare:workers";
import { getTableColumns } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as tables from "../../../schema/tables.ts";
import { planFull } from "../../../worker/data/engine.ts";
import { DEFAULT_COVERAGE_CONFIG } from "../../../worker/domain/coverage.ts";
import { normalizeName } from "../../../worker/domain/text.ts";

export const testDb = () => drizzle(env.DB, { schema: tables });

type VillageInsert = typeof tables.villages.$inferInsert;
type StationInsert = typeof tables.stations.$inferInsert;
type UnitInsert = typeof tables.units.$inferInsert;

let seq = 0;
const next = () => ++seq;

// A small made-up province "99" (pre-2025, one district, two communes) and its
// 2025 successor "98" with one commune, so tests can reason about unit filters
// without the demo province.
export const TEST_UNITS: UnitInsert[] = [
  {
    code: "99",
    era: "pre2025",
    level: "province",
    name: "Thử",
    full_name: "Tỉnh Thử",
    name_normalized: "thu",
    valid_to: "2025-06-30",
  },
  {
    code: "991",
    era: "pre2025",
    level: "district",
    name: "Núi",
    full_name: "Huyện Núi",
    parent_code: "99",
    name_normalized: "nui",
    valid_to: "2025-06-30",
  },
  {
    code: "99101",
    era: "pre2025",
    level: "commune",
    name: "Lũng Cú",
    full_name: "Xã Lũng Cú",
    parent_code: "991",
    name_normalized: "lung cu",
    valid_to: "2025-06-30",
  },
  {
    code: "99102",
    era: "pre2025",
    level: "commune",
    name: "Đồng Văn",
    full_name: "Xã Đồng Văn",
    parent_code: "991",
    name_normalized: "dong van",
    valid_to: "2025-06-30",
  },
  {
    code: "98",
    era: "2025",
    level: "province",
    name: "Mới",
    full_name: "Tỉnh Mới",
    name_normalized: "moi",
    valid_from: "2025-07-01",
  },
  {
    code: "99101",
    era: "2025",
    level: "commune",
    name: "Cao Nguyên",
    full_name: "Xã Cao Nguyên",
    parent_code: "98",
    name_normalized: "cao nguyen",
    valid_from: "2025-07-01",
  },
  {
    code: "98002",
    era: "2025",
    level: "commune",
    name: "Trống",
    full_name: "Xã Trống",
    parent_code: "98",
    name_normalized: "trong",
    valid_from: "2025-07-01",
  },
];

export const TEST_OPERATORS = [
  { id: "viettel", name: "Viettel", color: "#e4002b" },
  { id: "vinaphone", name: "VinaPhone", color: "#0066b3" },
  { id: "mobifone", name: "MobiFone", color: "#005bac" },
  { id: "vietnamobile", name: "Vietnamobile", color: "#f7941d" },
];

export async function seedBase() {
  const db = testDb();
  await db.insert(tables.operators).values(TEST_OPERATORS).onConflictDoNothing();
  await db.insert(tables.units).values(TEST_UNITS).onConflictDoNothing();
  await db
    .insert(tables.unit_successions)
    .values([
      { old_code: "99101", new_code: "99101", merge_type: "full", effective_date: "2025-07-01" },
      { old_code: "99102", new_code: "99101", merge_type: "full", effective_date: "2025-07-01" },
    ])
    .onConflictDoNothing();
}

export function villageRow(overrides: Partial<VillageInsert> = {}): VillageInsert {
  const n = next();
  const name = overrides.name ?? `Thôn Thử ${n}`;
  return {
    code: `T${String(n).padStart(5, "0")}`,
    name,
    name_normalized: normalizeName(name),
    province_code: "98",
    commune_code: "99101",
    old_province_code: "99",
    old_district_code: "991",
    old_commune_code: "99101",
    lat: 23.2 + n * 0.0001,
    lon: 105.3,
    households: 50,
    population: 240,
    synthetic: true,
    coverage_state: "unknown",
    ...overrides,
  };
}

export function stationRow(overrides: Partial<StationInsert> = {}): StationInsert {
  const n = next();
  return {
    id: `st-test-${n}`,
    operator_id: "viettel",
    site_code: `TEST-${n}`,
    lat: 23.2,
    lon: 105.3,
    technologies: ["2g", "4g"],
    antenna_height_m: 30,
    status: "on_air",
    on_air_at: "2024-01-01",
    province_code: "98",
    commune_code: "99101",
    old_province_code: "99",
    old_district_code: "991",
    old_commune_code: "99101",
    synthetic: true,
    ...overrides,
  };
}

// D1 binds at most 100 parameters per statement, and drizzle binds a
// parameter for every column a row leaves to its default.
const rowsPerInsert = (table: typeof tables.villages | typeof tables.stations) =>
  Math.floor(100 / Object.keys(getTableColumns(table)).length);

export async function insertVillages(rows: VillageInsert[]) {
  const n = rowsPerInsert(tables.villages);
  for (let i = 0; i < rows.length; i += n)
    await testDb()
      .insert(tables.villages)
      .values(rows.slice(i, i + n));
  return rows;
}

export async function insertStations(rows: StationInsert[]) {
  const n = rowsPerInsert(tables.stations);
  for (let i = 0; i < rows.length; i += n)
    await testDb()
      .insert(tables.stations)
      .values(rows.slice(i, i + n));
  return rows;
}

// Runs the real coverage engine over everything in the database, as the
// department's full recompute does.
export async function recomputeAll() {
  const db = testDb();
  const plan = await planFull(db, {
    config: DEFAULT_COVERAGE_CONFIG,
    cause: { cause: "test", actor: "test", at: new Date().toISOString() },
  });
  const [first, ...rest] = plan.statements;
  if (first) await db.batch([first, ...rest]);
  return plan;
}
