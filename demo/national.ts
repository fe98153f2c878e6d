// A deterministic, synthetic national data set for the benchmark (bench/):
// 100,000 villages and 120,000 stations spread over Vietnam, denser in the Red
// River and Mekong deltas and around the big cities. Nothing here is real: the
// outline is hand-drawn, the units are made up ("Tỉnh Mẫu 60", "Xã Mẫu
// 60001"), and so are the villages and stations. Pure TypeScript without I/O.
//
// The units: 34 provinces of the 2025 era (codes 60–93, clear of the demo's 02
// and 08) with about 3,300 communes between them, as after the reform. The
// set has no pre-2025 geography; instead its pre-2025 side is one aggregate
// "province" 00 (Cả nước) with one "district" per province and the same
// communes, so that the existing progress endpoint can answer for the whole
// country (`/api/v1/progress?unit=00`) without a special case in the API.
import type { settings, units } from "../schema/tables.ts";
import { DEFAULT_COVERAGE_CONFIG } from "../worker/domain/coverage.ts";
import { GridIndex, type LatLon, type PolygonGeometry, pointInPolygon } from "../worker/domain/geo.ts";
import { normalizeName } from "../worker/domain/text.ts";
import { type OperatorRow, operatorRows } from "./hagiang.ts";
import { villageName } from "./names.ts";
import { type Rng, rng } from "./random.ts";

export const NATIONAL_VILLAGES = 100_000;
export const NATIONAL_STATIONS = 120_000;
export const NATIONAL_PROVINCES = 34;
// After the 2025 reform Vietnam has 3,321 communes, wards and special zones.
const COMMUNE_SEEDS = 3_321;
export const COUNTRY_CODE = "00";
export const FIRST_PROVINCE_CODE = 60;
const SEED = 0x56_4e_2025;
const TIMESTAMP = "2026-10-01T00:00:00.000Z";
const ACTOR = "bench-national";

// Vietnam's mainland, hand-drawn from a general map as [lon, lat]: within some
// 10–20 km of the real border and coast, islands left out. Good enough to place
// synthetic points where the country is, and for nothing else.
// biome-ignore format: one vertex per pair reads better
const OUTLINE: Array<[number, number]> = [
  [102.14, 22.4], [102.45, 22.75], [103.0, 22.55], [103.5, 22.7], [104.0, 22.8], [104.4, 22.9], [104.8, 23.1],
  [105.3, 23.35], [105.8, 23.1], [106.2, 22.95], [106.7, 22.85], [106.7, 22.4], [106.75, 22.0], [107.35, 21.75],
  [107.97, 21.54], [107.6, 21.25], [107.1, 20.95], [106.75, 20.7], [106.55, 20.3], [106.1, 19.95], [105.85, 19.5],
  [105.7, 19.0], [105.75, 18.7], [106.1, 18.35], [106.5, 17.9], [106.65, 17.45], [107.1, 16.9], [107.6, 16.55],
  [108.25, 16.1], [108.7, 15.45], [108.95, 15.0], [109.2, 14.3], [109.25, 13.75], [109.4, 12.9], [109.2, 12.25],
  [109.2, 11.75], [108.95, 11.35], [108.1, 10.9], [107.5, 10.6], [107.1, 10.35], [106.75, 10.25], [106.6, 9.85],
  [106.3, 9.5], [105.85, 9.25], [105.4, 8.95], [104.8, 8.58], [104.8, 9.1], [104.95, 9.7], [105.05, 10.0],
  [104.6, 10.25], [104.45, 10.42], [104.95, 10.65], [105.1, 10.95], [105.8, 10.95], [106.2, 11.7], [106.7, 11.95],
  [107.3, 12.2], [107.55, 12.75], [107.45, 13.4], [107.6, 14.1], [107.55, 14.7], [107.4, 15.5], [107.0, 16.1],
  [106.65, 16.45], [106.25, 17.1], [105.75, 17.65], [105.3, 18.2], [104.8, 18.7], [104.2, 19.15], [104.0, 19.5],
  [104.7, 20.1], [103.7, 20.75], [103.2, 20.85], [102.9, 21.25], [102.8, 21.7], [102.2, 22.2], [102.14, 22.4],
];
export const VIETNAM: PolygonGeometry = { type: "Polygon", coordinates: [OUTLINE] };
const BOX = {
  minLon: Math.min(...OUTLINE.map(([lon]) => lon)),
  maxLon: Math.max(...OUTLINE.map(([lon]) => lon)),
  minLat: Math.min(...OUTLINE.map(([, lat]) => lat)),
  maxLat: Math.max(...OUTLINE.map(([, lat]) => lat)),
};

// Where people live: a share spread evenly over the land, the rest in
// clusters around the deltas, the cities and the coastal plains.
type Cluster = { lon: number; lat: number; sigma: number; weight: number };
const UNIFORM_SHARE = 0.36;
const CLUSTERS: Cluster[] = [
  { lon: 106.0, lat: 20.85, sigma: 0.42, weight: 0.22 }, // Red River delta
  { lon: 105.75, lat: 10.1, sigma: 0.55, weight: 0.24 }, // Mekong delta
  { lon: 106.7, lat: 10.85, sigma: 0.25, weight: 0.05 }, // Hồ Chí Minh City
  { lon: 105.75, lat: 19.6, sigma: 0.3, weight: 0.04 }, // Thanh Hóa plain
  { lon: 105.6, lat: 18.8, sigma: 0.25, weight: 0.03 }, // Nghệ An plain
  { lon: 108.15, lat: 16.0, sigma: 0.2, weight: 0.02 }, // Đà Nẵng
  { lon: 108.05, lat: 12.7, sigma: 0.3, weight: 0.02 }, // Buôn Ma Thuột
  { lon: 109.15, lat: 13.8, sigma: 0.2, weight: 0.02 }, // Quy Nhơn
];

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function gaussian(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

function samplePoint(r: Rng): LatLon {
  for (;;) {
    let p: LatLon;
    if (r.chance(UNIFORM_SHARE)) {
      p = { lat: r.between(BOX.minLat, BOX.maxLat), lon: r.between(BOX.minLon, BOX.maxLon) };
    } else {
      const c = r.weighted(CLUSTERS, (k) => k.weight);
      p = { lat: c.lat + gaussian(r) * c.sigma, lon: c.lon + gaussian(r) * c.sigma };
    }
    p = { lat: round6(p.lat), lon: round6(p.lon) };
    if (pointInPolygon(p, VIETNAM)) return p;
  }
}

// Widening searches, as in the demo: most answers are close by.
function nearest<T extends LatLon>(index: GridIndex<T>, p: LatLon): T {
  for (const radius of [5_000, 20_000, 80_000, 400_000, 2_000_000]) {
    let best: { item: T; distance_m: number } | undefined;
    for (const n of index.within(p, radius)) if (!best || n.distance_m < best.distance_m) best = n;
    if (best) return best.item;
  }
  throw new Error("no point within 2,000 km");
}

// ---------------------------------------------------------------- units

type Seed = LatLon & { index: number };

// Provinces group communes by a few rounds of k-means over the communes' seats,
// so a province is a compact region with a few dozen to a few hundred communes.
function provincesOf(r: Rng, communes: Seed[]): number[] {
  const centres: LatLon[] = r.shuffle(communes).slice(0, NATIONAL_PROVINCES);
  let owner: number[] = [];
  for (let round = 0; round < 12; round++) {
    owner = communes.map((c) => {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      centres.forEach((k, i) => {
        const d = (k.lat - c.lat) ** 2 + ((k.lon - c.lon) * Math.cos((c.lat * Math.PI) / 180)) ** 2;
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      return best;
    });
    centres.forEach((_, i) => {
      const mine = communes.filter((_, j) => owner[j] === i);
      if (mine.length === 0) return;
      centres[i] = {
        lat: mine.reduce((a, p) => a + p.lat, 0) / mine.length,
        lon: mine.reduce((a, p) => a + p.lon, 0) / mine.length,
      };
    });
  }
  // Numbered north to south, as the official codes roughly are.
  const order = centres.map((c, i) => ({ c, i })).sort((a, b) => b.c.lat - a.c.lat || a.c.lon - b.c.lon);
  const rank = new Map(order.map(({ i }, n) => [i, n]));
  return owner.map((o) => rank.get(o) as number);
}

export type UnitRow = typeof units.$inferInsert;

function unit(
  code: string,
  era: "2025" | "pre2025",
  level: UnitRow["level"],
  name: string,
  full: string,
  parent?: string,
) {
  return {
    code,
    era,
    level,
    name,
    full_name: full,
    name_normalized: normalizeName(full),
    unit_type: full.slice(0, full.length - name.length).trim(),
    parent_code: parent ?? null,
    valid_from: era === "2025" ? "2025-07-01" : null,
    valid_to: era === "pre2025" ? "2025-06-30" : null,
  } satisfies UnitRow;
}

// ---------------------------------------------------------------- rows as the import files carry them

export type NationalVillage = {
  code: string;
  name: string;
  commune_code: string;
  old_commune_code: string;
  lat: number;
  lon: number;
  households: number;
  population: number;
};

export type NationalStation = {
  operator_id: string;
  site_code: string;
  name: string;
  lat: number;
  lon: number;
  technologies: string;
  antenna_height_m: number;
  status: string;
  planned_on_air_date: string;
};

export type NationalData = {
  operators: OperatorRow[];
  units: UnitRow[];
  settings: Array<typeof settings.$inferInsert>;
  villages: NationalVillage[];
  stations: NationalStation[];
};

// Shares of the national station count per operator.
const OPERATOR_SHARE: Array<[string, number]> = [
  ["viettel", 0.4],
  ["vinaphone", 0.27],
  ["mobifone", 0.22],
  ["vietnamobile", 0.08],
  ["gmobile", 0.03],
];
const SITE_PREFIX: Record<string, string> = {
  viettel: "VT",
  vinaphone: "VNP",
  mobifone: "MBF",
  vietnamobile: "VNM",
  gmobile: "GM",
};
const TECH_MIX: Array<[string, number]> = [
  ["2g|3g|4g", 0.45],
  ["2g|4g", 0.25],
  ["4g", 0.15],
  ["3g|4g", 0.08],
  ["2g", 0.04],
  ["2g|4g|5g", 0.02],
  ["4g|5g", 0.01],
];
// Nearly every site is on the air; a few are on their way, down or gone, so the
// benchmark has stations to bring on air.
const STATUS_MIX: Array<[string, number]> = [
  ["on_air", 0.94],
  ["outage", 0.015],
  ["building", 0.012],
  ["permitted", 0.008],
  ["planned", 0.015],
  ["decommissioned", 0.01],
];

export function generateNational(): NationalData {
  const r = rng(SEED, "places");
  const seeds: Seed[] = Array.from({ length: COMMUNE_SEEDS }, (_, index) => ({ ...samplePoint(r), index }));
  const province = provincesOf(rng(SEED, "provinces"), seeds);
  const provinceCode = (i: number) => String(FIRST_PROVINCE_CODE + i);

  const points = Array.from({ length: NATIONAL_VILLAGES }, () => samplePoint(r));
  const seedIndex = new GridIndex(seeds, 0.1);
  const byCommune = new Map<number, LatLon[]>();
  for (const p of points) {
    const s = nearest(seedIndex, p).index;
    const list = byCommune.get(s);
    if (list) list.push(p);
    else byCommune.set(s, [p]);
  }

  // Communes are numbered within their province from north to south; a seed
  // that drew no village is no commune.
  const communeCode = new Map<number, string>();
  const perProvince = new Map<number, number>();
  for (const s of [...seeds].sort((a, b) => b.lat - a.lat || a.lon - b.lon)) {
    if (!byCommune.has(s.index)) continue;
    const p = province[s.index] as number;
    const n = (perProvince.get(p) ?? 0) + 1;
    perProvince.set(p, n);
    communeCode.set(s.index, `${provinceCode(p)}${String(n).padStart(3, "0")}`);
  }

  const unitRows: UnitRow[] = [unit(COUNTRY_CODE, "pre2025", "province", "Cả nước", "Cả nước (mẫu)")];
  for (let p = 0; p < NATIONAL_PROVINCES; p++) {
    const code = provinceCode(p);
    unitRows.push(unit(code, "2025", "province", `Mẫu ${code}`, `Tỉnh Mẫu ${code}`));
    unitRows.push(unit(`${code}0`, "pre2025", "district", `Mẫu ${code}`, `Vùng Mẫu ${code}`, COUNTRY_CODE));
  }
  for (const [s, code] of [...communeCode].sort((a, b) => a[1].localeCompare(b[1]))) {
    const p = provinceCode(province[s] as number);
    unitRows.push(unit(code, "2025", "commune", `Mẫu ${code}`, `Xã Mẫu ${code}`, p));
    unitRows.push(unit(code, "pre2025", "commune", `Mẫu ${code}`, `Xã Mẫu ${code}`, `${p}0`));
  }

  const names = rng(SEED, "names");
  const people = rng(SEED, "households");
  const villages: NationalVillage[] = [];
  for (const [s, code] of [...communeCode].sort((a, b) => a[1].localeCompare(b[1]))) {
    const taken = new Set<string>();
    const mine = (byCommune.get(s) ?? []).sort((a, b) => b.lat - a.lat || a.lon - b.lon);
    mine.forEach((p, i) => {
      let name = villageName(names);
      while (taken.has(normalizeName(name))) name = villageName(names);
      taken.add(normalizeName(name));
      const households = Math.round(30 + 250 * people.next() ** 1.8);
      villages.push({
        code: `${code}-${String(i + 1).padStart(3, "0")}`,
        name,
        commune_code: code,
        old_commune_code: code,
        lat: p.lat,
        lon: p.lon,
        households,
        population: Math.round(households * people.between(4.2, 5.2)),
      });
    });
  }

  // Stations stand near villages, a few hundred metres to a few kilometres
  // out, more of them where villages are dense; then sorted by commune, as an
  // operator's register lists them, so each import request covers one region.
  const place = rng(SEED, "stations");
  const counters = new Map<string, number>();
  const sited = Array.from({ length: NATIONAL_STATIONS }, () => {
    const v = villages[place.int(0, villages.length - 1)] as NationalVillage;
    const distance = 150 + 2_500 * place.next() ** 2;
    const bearing = place.between(0, 2 * Math.PI);
    const lat = round6(v.lat + (distance * Math.cos(bearing)) / 111_195);
    const lon = round6(v.lon + (distance * Math.sin(bearing)) / (111_195 * Math.cos((v.lat * Math.PI) / 180)));
    const operator = place.weighted(OPERATOR_SHARE, ([, w]) => w)[0];
    const status = place.weighted(STATUS_MIX, ([, w]) => w)[0];
    return { v, lat, lon, operator, status, technologies: place.weighted(TECH_MIX, ([, w]) => w)[0] };
  }).sort((a, b) => a.v.code.localeCompare(b.v.code) || a.lat - b.lat || a.lon - b.lon);
  const stations: NationalStation[] = sited.map((s) => {
    const province = s.v.commune_code.slice(0, 2);
    const key = `${s.operator}|${province}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return {
      operator_id: s.operator,
      site_code: `${province}-${SITE_PREFIX[s.operator]}-${String(n).padStart(5, "0")}`,
      name: `BTS ${s.v.name.replace(/^(Thôn|Bản) /, "")}`,
      lat: s.lat,
      lon: s.lon,
      technologies: s.technologies,
      antenna_height_m: place.int(20, 45),
      status: s.status,
      planned_on_air_date: ["planned", "permitted", "building"].includes(s.status) ? "2027-06-30" : "",
    };
  });

  return {
    operators: operatorRows(),
    units: unitRows,
    settings: [{ key: "coverage_config", value: DEFAULT_COVERAGE_CONFIG, updated_at: TIMESTAMP, updated_by: ACTOR }],
    villages,
    stations,
  };
}
