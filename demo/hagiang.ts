// The real administrative units of Hà Giang, before and after the 2025 reform,
// reshaped from data/hagiang/derived/ (see demo/prepare-data.ts). Pure data:
// this module runs in Node and inside workerd alike.
import geometryJson from "../data/hagiang/derived/communes_2025_geometry.json" with { type: "json" };
import operatorsJson from "../data/hagiang/derived/operators_mcc452.json" with { type: "json" };
import successionsJson from "../data/hagiang/derived/successions_2025.json" with { type: "json" };
import units2025Json from "../data/hagiang/derived/units_2025.json" with { type: "json" };
import unitsPre2025Json from "../data/hagiang/derived/units_pre2025.json" with { type: "json" };
import { type operators, UNIT_LEVELS, type unit_successions, type units } from "../schema/tables.ts";
import type { PolygonGeometry } from "../worker/domain/geo.ts";
import { normalizeName } from "../worker/domain/text.ts";

export type UnitRow = typeof units.$inferInsert;
export type SuccessionRow = typeof unit_successions.$inferInsert;
export type OperatorRow = typeof operators.$inferInsert;

export const OLD_PROVINCE_CODE = "02";
export const NEW_PROVINCE_CODE = "08";
export const REFORM_DATE = "2025-07-01";
const LAST_PRE_REFORM_DAY = "2025-06-30";

export type OldCommune = {
  code: string;
  name: string;
  full_name: string;
  unit_type: string;
  district_code: string;
};

export type Successor = { new_code: string; merge_type: "full" | "partial" };

export type NewCommune = {
  code: string;
  name: string;
  full_name: string;
  unit_type: string;
  area_km2: number;
  geometry: PolygonGeometry;
  predecessors: Array<{ old_code: string; merge_type: "full" | "partial" }>;
};

// "Phường Quang Trung" with name "Quang Trung" is of type "Phường"; every raw
// full name ends with its short name, and a unit whose does not is a data error.
function unitType(full_name: string, name: string): string {
  if (!full_name.endsWith(name)) throw new Error(`unit type of ${full_name}: does not end with ${name}`);
  return full_name.slice(0, full_name.length - name.length).trim();
}

function unitLevel(s: string): UnitRow["level"] {
  const level = UNIT_LEVELS.find((l) => l === s);
  if (!level) throw new Error(`Hà Giang data: unit level ${s}`);
  return level;
}

function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`Hà Giang data: expected ${expected} ${what}, found ${actual}`);
}

const pre2025 = unitsPre2025Json.map((u) => ({ ...u, unit_type: unitType(u.full_name, u.name) }));
const oldProvince = pre2025.find((u) => u.level === "province");
if (!oldProvince || oldProvince.code !== OLD_PROVINCE_CODE) throw new Error("Hà Giang data: province 02 missing");
const oldDistricts = pre2025.filter((u) => u.level === "district");
expectCount("districts", oldDistricts.length, 11);

export const OLD_COMMUNES: OldCommune[] = pre2025
  .filter((u) => u.level === "commune")
  .map((u) => ({
    code: u.code,
    name: u.name,
    full_name: u.full_name,
    unit_type: u.unit_type,
    district_code: u.parent_code ?? "",
  }));
expectCount("pre-2025 communes", OLD_COMMUNES.length, 193);

export const OLD_DISTRICT_NAMES: ReadonlyMap<string, string> = new Map(oldDistricts.map((d) => [d.code, d.name]));

function mergeType(s: string): "full" | "partial" {
  if (s !== "full" && s !== "partial") throw new Error(`Hà Giang data: merge type ${s}`);
  return s;
}

const successions = successionsJson.map((s) => ({
  old_code: s.old_code,
  new_code: s.new_code,
  merge_type: mergeType(s.merge_type),
}));
expectCount("successions", successions.length, 196);

export const SUCCESSORS: ReadonlyMap<string, Successor[]> = (() => {
  const map = new Map<string, Successor[]>();
  for (const s of successions) {
    const list = map.get(s.old_code) ?? [];
    list.push({ new_code: s.new_code, merge_type: s.merge_type });
    map.set(s.old_code, list);
  }
  expectCount("old communes with a successor", map.size, 193);
  return map;
})();

const geometries = new Map(
  geometryJson.map((g) => [g.code, { type: "MultiPolygon", coordinates: g.coordinates } as PolygonGeometry]),
);

// The 2025 communes that cover the former Hà Giang, i.e. those that have a
// polygon and an area; the other 51 communes of Tuyên Quang get units but no villages.
export const NEW_COMMUNES: NewCommune[] = units2025Json.flatMap((u) => {
  const geometry = geometries.get(u.code);
  if (!geometry || u.area_km2 === null) return [];
  return [
    {
      code: u.code,
      name: u.name,
      full_name: u.full_name,
      unit_type: u.unit_type,
      area_km2: u.area_km2,
      geometry,
      predecessors: successions
        .filter((s) => s.new_code === u.code)
        .map((s) => ({ old_code: s.old_code, merge_type: s.merge_type })),
    },
  ];
});
expectCount("2025 communes with a polygon", NEW_COMMUNES.length, 73);
expectCount("2025 communes of Tuyên Quang", units2025Json.length, 124);

export function unitRows(): UnitRow[] {
  const rows: UnitRow[] = pre2025.map((u) => ({
    code: u.code,
    era: "pre2025",
    level: unitLevel(u.level),
    name: u.name,
    full_name: u.full_name,
    name_en: u.name_en,
    name_normalized: normalizeName(u.name),
    unit_type: u.unit_type,
    parent_code: u.parent_code,
    valid_from: null,
    valid_to: LAST_PRE_REFORM_DAY,
    area_km2: null,
    centroid_lat: null,
    centroid_lon: null,
  }));
  rows.push({
    code: NEW_PROVINCE_CODE,
    era: "2025",
    level: "province",
    name: "Tuyên Quang",
    full_name: "Tỉnh Tuyên Quang",
    name_en: "Tuyen Quang",
    name_normalized: normalizeName("Tuyên Quang"),
    unit_type: "Tỉnh",
    parent_code: null,
    valid_from: REFORM_DATE,
    valid_to: null,
    area_km2: null,
    centroid_lat: null,
    centroid_lon: null,
  });
  for (const u of units2025Json) {
    rows.push({
      code: u.code,
      era: "2025",
      level: "commune",
      name: u.name,
      full_name: u.full_name,
      name_en: u.name_en,
      name_normalized: normalizeName(u.name),
      unit_type: u.unit_type,
      parent_code: NEW_PROVINCE_CODE,
      valid_from: REFORM_DATE,
      valid_to: null,
      area_km2: u.area_km2,
      centroid_lat: u.centroid_lat,
      centroid_lon: u.centroid_lon,
    });
  }
  return rows;
}

export function successionRows(): SuccessionRow[] {
  return successions.map((s) => ({ ...s, effective_date: REFORM_DATE }));
}

// Operators with a radio network of their own. The MVNOs in the MCC list
// (I-Telecom, REDDI) ride on VinaPhone's network and own no stations, and
// S-Fone and EVNTelecom are gone. Colours follow each brand and stay apart on a map.
const OPERATORS: Array<{ id: string; name: string; mcc_mnc: string; color: string }> = [
  { id: "viettel", name: "Viettel", mcc_mnc: "452-04", color: "#e4002b" },
  { id: "vinaphone", name: "VinaPhone", mcc_mnc: "452-02", color: "#0091da" },
  { id: "mobifone", name: "MobiFone", mcc_mnc: "452-01", color: "#1b3f8b" },
  { id: "vietnamobile", name: "Vietnamobile", mcc_mnc: "452-05", color: "#f7941d" },
  { id: "gmobile", name: "Gmobile", mcc_mnc: "452-07", color: "#3a9d23" },
];

export function operatorRows(): OperatorRow[] {
  return OPERATORS.map((o) => {
    const listed = operatorsJson.find((r) => r.mcc_mnc === o.mcc_mnc);
    if (listed?.status !== "Operational") throw new Error(`operator ${o.mcc_mnc} not listed as operational`);
    return { ...o, legal_name: listed.operator };
  });
}
