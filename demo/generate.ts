// The deterministic demo province: the real units of Hà Giang with synthetic
// villages and stations whose computed coverage reproduces the province's
// published figures (2,418 stations; 23 villages without signal, 98.89 %).
// Pure TypeScript without I/O, so that it runs the same in Node and in workerd.
import type {
  Blocker,
  commitments,
  coverage,
  StationStatus,
  settings,
  stations,
  Tech,
  villages,
} from "../schema/tables.ts";
import {
  computeClaims,
  DEFAULT_COVERAGE_CONFIG,
  effectiveClaims,
  type StationForCoverage,
  villageCoverage,
} from "../worker/domain/coverage.ts";
import { distanceMeters, GridIndex, type LatLon, pointInPolygon } from "../worker/domain/geo.ts";
import { normalizeName } from "../worker/domain/text.ts";
import {
  NEW_COMMUNES,
  NEW_PROVINCE_CODE,
  type NewCommune,
  OLD_COMMUNES,
  OLD_PROVINCE_CODE,
  type OldCommune,
  type OperatorRow,
  operatorRows,
  SUCCESSORS,
  type SuccessionRow,
  successionRows,
  type UnitRow,
  unitRows,
} from "./hagiang.ts";
import { villageName } from "./names.ts";
import { type Rng, rng } from "./random.ts";

export type VillageRow = typeof villages.$inferInsert;
export type StationRow = typeof stations.$inferInsert;
export type CoverageRow = typeof coverage.$inferInsert;
export type CommitmentRow = typeof commitments.$inferInsert;
export type SettingRow = typeof settings.$inferInsert;

export type DemoData = {
  operators: OperatorRow[];
  units: UnitRow[];
  unit_successions: SuccessionRow[];
  villages: VillageRow[];
  stations: StationRow[];
  coverage: CoverageRow[];
  commitments: CommitmentRow[];
  settings: SettingRow[];
};

export const DEMO_SEED_VERSION = 1;
export const DEMO_TIMESTAMP = "2026-10-01T00:00:00.000Z";
export const DEMO_ACTOR = "demo-seed";
export const DEMO_VILLAGES = 2072;
export const DEMO_STATIONS = 2418;
export const DEMO_VILLAGES_WITHOUT_SIGNAL = 23;

const SEED = 0x48a6_2024;
const CONFIG = DEFAULT_COVERAGE_CONFIG;

// Far north and west: karst plateau and high ridges, where the last villages
// without signal are.
const REMOTE_DISTRICTS = ["026", "033", "027", "032"] as const;
const HIGHLAND_DISTRICTS = new Set(["026", "027", "028", "029", "032", "033"]);
// Phường Hà Giang 1 and 2, the only place with 5G.
const CITY_COMMUNES = new Set(["00691", "00694"]);

// Shares of the station count per operator; Gmobile has no sites in Hà Giang.
const STATION_SHARE: Array<[string, number]> = [
  ["viettel", 0.4],
  ["vinaphone", 0.28],
  ["mobifone", 0.22],
  ["vietnamobile", 0.1],
];
// Vietnamobile has neither the rural backbone nor 5G.
const BIG_THREE = STATION_SHARE.slice(0, 3);
const SITE_PREFIX: Record<string, string> = { viettel: "VT", vinaphone: "VNP", mobifone: "MBF", vietnamobile: "VNM" };

// A station on air keeps this much more than its longest range away from every
// village chosen to stay without signal, so rounding never decides coverage.
const HOLE_MARGIN_M = 200;
const MIN_VILLAGE_SPACING_M = 400;
const HOLE_MIN_ISOLATION_M = 1600;

// ---------------------------------------------------------------- geometry

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const M_PER_DEG = 111_195;

function offset(p: LatLon, meters: number, bearing: number): LatLon {
  return {
    lat: round6(p.lat + (meters * Math.cos(bearing)) / M_PER_DEG),
    lon: round6(p.lon + (meters * Math.sin(bearing)) / (M_PER_DEG * Math.cos((p.lat * Math.PI) / 180))),
  };
}

type Box = { minLat: number; maxLat: number; minLon: number; maxLon: number };

function boxOf(c: NewCommune): Box {
  const box = { minLat: 90, maxLat: -90, minLon: 180, maxLon: -180 };
  const polygons = c.geometry.type === "Polygon" ? [c.geometry.coordinates] : c.geometry.coordinates;
  for (const rings of polygons) {
    for (const [lon, lat] of (rings[0] ?? []) as Array<[number, number]>) {
      box.minLat = Math.min(box.minLat, lat);
      box.maxLat = Math.max(box.maxLat, lat);
      box.minLon = Math.min(box.minLon, lon);
      box.maxLon = Math.max(box.maxLon, lon);
    }
  }
  return box;
}

const BOXES = new Map(NEW_COMMUNES.map((c) => [c.code, boxOf(c)]));

function inCommune(p: LatLon, c: NewCommune): boolean {
  const b = BOXES.get(c.code);
  if (!b || p.lat < b.minLat || p.lat > b.maxLat || p.lon < b.minLon || p.lon > b.maxLon) return false;
  return pointInPolygon(p, c.geometry);
}

// Stations stand on former Hà Giang soil, not across the border.
function onLand(p: LatLon): boolean {
  return NEW_COMMUNES.some((c) => inCommune(p, c));
}

function samplePoint(r: Rng, c: NewCommune): LatLon {
  const b = BOXES.get(c.code) as Box;
  for (;;) {
    const p = { lat: round6(r.between(b.minLat, b.maxLat)), lon: round6(r.between(b.minLon, b.maxLon)) };
    if (pointInPolygon(p, c.geometry)) return p;
  }
}

function nearestIndex(p: LatLon, points: readonly LatLon[]): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  points.forEach((q, i) => {
    const d = distanceMeters(p, q);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

// Widening searches: most answers are close by, and a wide one is slow.
function nearest<T extends LatLon>(
  index: GridIndex<T>,
  p: LatLon,
  skip?: T,
): { item: T; distance_m: number } | undefined {
  for (const radius of [2000, 8000, 40_000]) {
    let best: { item: T; distance_m: number } | undefined;
    for (const n of index.within(p, radius)) {
      if (n.item !== skip && (!best || n.distance_m < best.distance_m)) best = n;
    }
    if (best) return best;
  }
  return undefined;
}

// ---------------------------------------------------------------- old communes inside new ones

// Where each predecessor lies inside its 2025 commune. There are no polygons
// for the pre-2025 communes, so each 2025 polygon is cut into one Voronoi cell
// per predecessor, around centres spread by a few rounds of k-means.
type Part = { old: OldCommune; commune: NewCommune; centre: LatLon; area_km2: number };

function partsOf(r: Rng, c: NewCommune): Part[] {
  const samples = Array.from({ length: 400 }, () => samplePoint(r, c));
  const k = c.predecessors.length;
  const centres: LatLon[] = [samples[0] as LatLon];
  while (centres.length < k) {
    let far = samples[0] as LatLon;
    let farD = -1;
    for (const s of samples) {
      const d = Math.min(...centres.map((q) => distanceMeters(s, q)));
      if (d > farD) {
        farD = d;
        far = s;
      }
    }
    centres.push(far);
  }
  let members: LatLon[][] = [];
  for (let round = 0; round < 8; round++) {
    members = centres.map(() => []);
    for (const s of samples) members[nearestIndex(s, centres)]?.push(s);
    members.forEach((m, i) => {
      if (m.length === 0) return;
      const mean = {
        lat: m.reduce((a, p) => a + p.lat, 0) / m.length,
        lon: m.reduce((a, p) => a + p.lon, 0) / m.length,
      };
      centres[i] = m[nearestIndex(mean, m)] as LatLon;
    });
  }
  // The predecessor whose code the 2025 commune kept was its seat, so it takes
  // the most central cell.
  const middle = {
    lat: samples.reduce((a, p) => a + p.lat, 0) / samples.length,
    lon: samples.reduce((a, p) => a + p.lon, 0) / samples.length,
  };
  const order = centres.map((_, i) => i);
  const seat = nearestIndex(middle, centres);
  order.splice(order.indexOf(seat), 1);
  order.unshift(seat);
  const preds = [...c.predecessors].sort(
    (a, b) => Number(b.old_code === c.code) - Number(a.old_code === c.code) || a.old_code.localeCompare(b.old_code),
  );
  return preds.map((p, j) => {
    const i = order[j] as number;
    const old = OLD_COMMUNES.find((o) => o.code === p.old_code);
    if (!old) throw new Error(`unknown old commune ${p.old_code}`);
    return {
      old,
      commune: c,
      centre: centres[i] as LatLon,
      area_km2: (c.area_km2 * (members[i]?.length ?? 0)) / samples.length,
    };
  });
}

// Largest-remainder rounding: integer shares that add up to `total` exactly.
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const out = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let n = total - out.reduce((a, x) => a + x, 0), j = 0; n > 0; n--, j++) {
    const i = order[j % order.length]?.i as number;
    out[i] = (out[i] as number) + 1;
  }
  return out;
}

// ---------------------------------------------------------------- villages

type Village = LatLon & {
  code: string;
  name: string;
  old: OldCommune;
  commune: NewCommune;
  centre: LatLon;
  seat: boolean;
};

const isUrban = (o: OldCommune) => o.unit_type !== "Xã";

// A split commune's seat stays in the successor that kept its code, if any.
function seatCommuneOf(o: OldCommune): string | undefined {
  const successors = SUCCESSORS.get(o.code) ?? [];
  return (successors.find((s) => s.new_code === o.code) ?? successors[0])?.new_code;
}

function placeVillages(): Village[] {
  const r = rng(SEED, "villages");
  const parts = NEW_COMMUNES.flatMap((c) => partsOf(r, c));

  // About ten villages per old commune, more where the commune is larger.
  const oldArea = new Map<string, number>();
  for (const p of parts) oldArea.set(p.old.code, (oldArea.get(p.old.code) ?? 0) + p.area_km2);
  const BASE = 6;
  const extra = apportion(
    DEMO_VILLAGES - BASE * OLD_COMMUNES.length,
    OLD_COMMUNES.map((o) => (oldArea.get(o.code) ?? 0) ** 0.6),
  );
  const perOld = new Map(OLD_COMMUNES.map((o, i) => [o.code, BASE + (extra[i] as number)]));

  // A commune split in 2025 keeps its villages in both successors, in
  // proportion to the area that went to each.
  const perPart = new Map<Part, number>();
  for (const o of OLD_COMMUNES) {
    const mine = parts.filter((p) => p.old.code === o.code);
    const shares = apportion(
      (perOld.get(o.code) as number) - mine.length,
      mine.map((p) => p.area_km2),
    );
    for (const [i, p] of mine.entries()) perPart.set(p, 1 + (shares[i] as number));
  }

  const index = new GridIndex<LatLon>([]);
  const tooClose = (p: LatLon, spacing: number) => index.within(p, spacing).length > 0;
  const placed: Array<Omit<Village, "code">> = [];
  // Names are unique within a 2025 commune and within an old one: keys are
  // "<unit code>|<normalised name>".
  const taken = new Set<string>();
  for (const c of NEW_COMMUNES) {
    const mine = parts.filter((p) => p.commune.code === c.code);
    const centres = mine.map((p) => p.centre);
    // The commune's own name goes to the village at its seat, so that a search
    // for "lung cu" finds "Thôn Lũng Cú"; those names are reserved first.
    const seats = mine.filter((p) => seatCommuneOf(p.old) === c.code);
    for (const p of seats) {
      const key = `${c.code}|${normalizeName(`Thôn ${p.old.name}`)}`;
      if (taken.has(key)) throw new Error(`two seats named ${p.old.name} in ${c.code}`);
      taken.add(key);
    }
    let streetBlock = 0;
    for (const [j, part] of mine.entries()) {
      const n = perPart.get(part) as number;
      for (let k = 0; k < n; k++) {
        const seat = k === 0 && seats.includes(part);
        let p: LatLon = part.centre;
        if (!seat || tooClose(p, MIN_VILLAGE_SPACING_M / 2)) {
          let spacing = MIN_VILLAGE_SPACING_M;
          for (let attempt = 1; ; attempt++) {
            p = samplePoint(r, c);
            if (nearestIndex(p, centres) === j && !tooClose(p, spacing)) break;
            if (attempt % 2000 === 0) spacing /= 2;
          }
        }
        let name = seat ? `Thôn ${part.old.name}` : "";
        while (!name) {
          const street = part.old.unit_type === "Phường" || (part.old.unit_type === "Thị trấn" && r.chance(0.5));
          const candidate = street ? `Tổ dân phố ${++streetBlock}` : villageName(r);
          const key = normalizeName(candidate);
          if (!taken.has(`${c.code}|${key}`) && !taken.has(`${part.old.code}|${key}`)) name = candidate;
        }
        taken.add(`${c.code}|${normalizeName(name)}`);
        taken.add(`${part.old.code}|${normalizeName(name)}`);
        index.add(p);
        placed.push({ ...p, name, old: part.old, commune: c, centre: part.centre, seat });
      }
    }
  }
  // Codes number each old commune's villages from its seat, "-01".
  const out: Village[] = [];
  for (const o of OLD_COMMUNES) {
    const mine = placed.filter((v) => v.old.code === o.code).sort((a, b) => Number(b.seat) - Number(a.seat));
    for (const [i, v] of mine.entries()) out.push({ ...v, code: `${o.code}-${String(i + 1).padStart(2, "0")}` });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

// ---------------------------------------------------------------- villages without signal

// The villages that stay without signal are not typed in: they are the most
// isolated villages of the remote districts, taken in small groups (as signal
// holes come, one valley at a time), and stations are then kept out of reach.
function chooseHoles(vs: Village[]): Village[][] {
  const index = new GridIndex(vs);
  const isolation = new Map(vs.map((v) => [v.code, nearest(index, v, v)?.distance_m ?? Number.POSITIVE_INFINITY]));
  const iso = (v: Village) => isolation.get(v.code) as number;
  const candidates = vs
    .filter(
      (v) =>
        !v.seat &&
        !isUrban(v.old) &&
        (REMOTE_DISTRICTS as readonly string[]).includes(v.old.district_code) &&
        iso(v) >= HOLE_MIN_ISOLATION_M,
    )
    .sort((a, b) => iso(b) - iso(a) || a.code.localeCompare(b.code));
  const groups: Village[][] = [];
  const chosen = new Set<Village>();
  for (let round = 0; chosen.size < DEMO_VILLAGES_WITHOUT_SIGNAL; round++) {
    if (round >= 100) throw new Error("not enough isolated villages for the signal holes");
    const district = REMOTE_DISTRICTS[round % REMOTE_DISTRICTS.length];
    const seed = candidates.find(
      (v) =>
        v.old.district_code === district && !chosen.has(v) && [...chosen].every((h) => distanceMeters(h, v) > 8000),
    );
    if (!seed) continue;
    const group = [seed];
    for (const v of candidates) {
      if (group.length >= 3 || chosen.size + group.length >= DEMO_VILLAGES_WITHOUT_SIGNAL) break;
      if (v !== seed && !chosen.has(v) && distanceMeters(v, seed) <= 5000) group.push(v);
    }
    for (const v of group) chosen.add(v);
    groups.push(group);
  }
  return groups;
}

// ---------------------------------------------------------------- stations

type Site = LatLon & {
  operator_id: string;
  technologies: Tech[];
  status: StationStatus;
  // What kind of site it is decides the dates of its history.
  kind: "backbone" | "dense" | "5g" | "old" | "hole";
  // For a site planned for a group of villages without signal: the group's index.
  group?: number;
};

type Mix = Array<[Tech[], number]>;
// Old 2G sites still carry the remote highlands; that is where villages live
// whose best signal is 2G.
const BACKBONE_HIGHLAND: Mix = [
  [["2g"], 0.3],
  [["2g", "3g"], 0.15],
  [["2g", "4g"], 0.2],
  [["2g", "3g", "4g"], 0.35],
];
const BACKBONE_LOWLAND: Mix = [
  [["2g"], 0.1],
  [["2g", "4g"], 0.3],
  [["2g", "3g", "4g"], 0.6],
];
const DENSE: Mix = [
  [["2g", "3g", "4g"], 0.5],
  [["2g", "4g"], 0.35],
  [["4g"], 0.1],
  [["3g", "4g"], 0.05],
];
// Near a signal hole only the shorter-range technologies fit.
const SHORT_RANGE: Mix = [
  [["3g", "4g"], 0.6],
  [["4g"], 0.4],
];
const FIVE_G: Mix = [
  [["2g", "4g", "5g"], 0.5],
  [["4g", "5g"], 0.5],
];
// Sites switched off since: 2G cabinets that were never upgraded.
const OLD: Mix = [
  [["2g"], 0.7],
  [["2g", "3g"], 0.3],
];

const reachOf = (techs: readonly Tech[]) => Math.max(...techs.map((t) => CONFIG.ranges_km[t] * 1000));

// The longest reach of 2G, 3G or 4G that fits in `room`; 0 if none does.
const usableReach = (room: number) =>
  Math.max(0, ...(["2g", "3g", "4g"] as const).map((t) => reachOf([t])).filter((x) => x <= room));

// A mix entry whose reach fits in `room` and still reaches `need` metres,
// from `fallback` if none of `mix` does.
function chooseTechs(r: Rng, mix: Mix, room: number, need: number, fallback: Mix = SHORT_RANGE): Tech[] | undefined {
  const fits = (m: Mix) => m.filter(([t]) => reachOf(t) <= room && reachOf(t) >= need);
  const fit = fits(mix).length > 0 ? fits(mix) : fits(fallback);
  return fit.length > 0 ? r.weighted(fit, ([, w]) => w)[0] : undefined;
}

type HolePlan = {
  station?: { operator_id: string; status: StationStatus };
  // On the group's first village. Without `due` it falls due when the
  // station is planned to go on air; the others are already missed.
  commitment?: { operator_id?: string; due?: string; blockers: Blocker["kind"][] };
};

// What is being done about each group of villages without signal, in turn:
// some have a station on the way, some a promise, some neither, which is what
// the department has to chase.
const HOLE_PLANS: HolePlan[] = [
  { station: { operator_id: "viettel", status: "planned" }, commitment: { blockers: [] } },
  { station: { operator_id: "viettel", status: "building" }, commitment: { blockers: [] } },
  {
    station: { operator_id: "vinaphone", status: "permitted" },
    commitment: { due: "2026-09-30", blockers: ["no_grid_power"] },
  },
  { commitment: { operator_id: "viettel", due: "2026-06-30", blockers: ["terrain", "few_households", "funding"] } },
  { station: { operator_id: "viettel", status: "planned" } },
  { station: { operator_id: "mobifone", status: "planned" }, commitment: { blockers: ["land_permit"] } },
  {},
  {
    station: { operator_id: "viettel", status: "permitted" },
    commitment: { due: "2026-08-31", blockers: ["land_permit", "no_grid_power"] },
  },
  { station: { operator_id: "vinaphone", status: "planned" }, commitment: { blockers: [] } },
  { commitment: { operator_id: "mobifone", due: "2027-06-30", blockers: ["funding", "few_households"] } },
  { station: { operator_id: "viettel", status: "building" }, commitment: { blockers: ["other"] } },
  {},
  { station: { operator_id: "viettel", status: "planned" } },
  { commitment: { operator_id: "viettel", due: "2026-03-31", blockers: ["no_grid_power", "terrain"] } },
];
const holePlan = (group: number) => HOLE_PLANS[group % HOLE_PLANS.length] as HolePlan;

// Stations elsewhere that do not radiate, by status and count.
const OTHER_NOT_ON_AIR: Array<[StationStatus, number]> = [
  ["planned", 20],
  ["permitted", 12],
  ["building", 15],
  ["outage", 14],
  ["decommissioned", 20],
];

function placeStations(vs: Village[], groups: Village[][]): Site[] {
  const r = rng(SEED, "stations");
  const holes = groups.flat();
  const holeCodes = new Set(holes.map((h) => h.code));
  const villageIndex = new GridIndex(vs);
  const holeRoom = (p: LatLon) => Math.min(...holes.map((h) => distanceMeters(p, h))) - HOLE_MARGIN_M;
  const covered = new Set<string>();
  const sites: Site[] = [];
  const byOperator = new Map(STATION_SHARE.map(([op]) => [op, new GridIndex<LatLon>([])]));
  const add = (site: Site) => {
    sites.push(site);
    byOperator.get(site.operator_id)?.add(site);
    if (site.status !== "on_air") return;
    for (const { item } of villageIndex.within(site, reachOf(site.technologies))) {
      if (holeCodes.has(item.code)) throw new Error(`station would cover ${item.code}`);
      covered.add(item.code);
    }
  };

  // Stations that are not on air first, since they count against each
  // operator's share. The ones near the holes are what a later update turns on.
  groups.forEach((group, i) => {
    const plan = holePlan(i).station;
    if (!plan) return;
    const centre = {
      lat: round6(group.reduce((a, h) => a + h.lat, 0) / group.length),
      lon: round6(group.reduce((a, h) => a + h.lon, 0) / group.length),
    };
    const first = group[0] as Village;
    let p: LatLon | undefined = group.length > 1 && onLand(centre) ? centre : undefined;
    for (let a = 0; !p && a < 8; a++) {
      const q = offset(first, 1000, (a * Math.PI) / 4);
      if (onLand(q)) p = q;
    }
    if (!p) throw new Error(`no site near ${first.code}`);
    const technologies = r.pick<Tech[]>([
      ["2g", "4g"],
      ["2g", "3g", "4g"],
    ]);
    // Once on air it must bring signal to the whole group.
    const site = p;
    if (group.some((h) => distanceMeters(site, h) > reachOf(technologies))) {
      throw new Error(`the site planned near ${first.code} would not reach its whole group`);
    }
    add({ ...site, ...plan, technologies, kind: "hole", group: i });
  });

  const nonHoles = vs.filter((v) => !holeCodes.has(v.code));
  // Operators build around commune seats and in towns.
  const pool = nonHoles.filter((v) => isUrban(v.old) || distanceMeters(v, v.centre) <= 2500);
  const poolWeight = (v: Village) => (isUrban(v.old) ? 4 : 1) * (v.seat ? 3 : 1);
  const townPool = pool.filter((v) => isUrban(v.old) || v.seat);
  const quota = new Map(
    apportion(
      DEMO_STATIONS,
      STATION_SHARE.map(([, s]) => s),
    ).map((n, i) => [STATION_SHARE[i]?.[0] as string, n]),
  );
  const take = (op: string) => quota.set(op, (quota.get(op) as number) - 1);
  for (const s of sites) take(s.operator_id);

  const denseSite = (op: string, status: StationStatus, kind: "dense" | "5g" | "old"): Site => {
    const candidates = kind === "5g" ? pool.filter((v) => CITY_COMMUNES.has(v.commune.code)) : pool;
    for (let attempt = 0; attempt < 500; attempt++) {
      const v = r.weighted(op === "vietnamobile" ? townPool : candidates, poolWeight);
      const p = offset(v, r.between(100, 600), r.between(0, 2 * Math.PI));
      const room = holeRoom(p);
      if ((byOperator.get(op)?.within(p, 300).length ?? 0) > 0 || !onLand(p)) continue;
      const techs =
        kind === "old" ? chooseTechs(r, OLD, room, 0, []) : chooseTechs(r, kind === "5g" ? FIVE_G : DENSE, room, 0);
      if (techs) return { ...p, operator_id: op, technologies: techs, status, kind };
    }
    throw new Error(`no room for another ${op} station`);
  };

  for (const [status, count] of OTHER_NOT_ON_AIR) {
    for (let i = 0; i < count; i++) {
      const kind = status === "decommissioned" ? "old" : status === "planned" && i < 3 ? "5g" : "dense";
      const op = r.weighted(kind === "5g" ? BIG_THREE : STATION_SHARE, ([, s]) => s)[0];
      add(denseSite(op, status, kind));
      take(op);
    }
  }

  // The backbone: every village outside the holes gets a station in reach,
  // hardest first (those near a hole need a site on their far side).
  const byRoom = (v: Village) => holeRoom(v);
  const order = [
    ...nonHoles.filter((v) => byRoom(v) < 8000).sort((a, b) => byRoom(a) - byRoom(b) || a.code.localeCompare(b.code)),
    ...r.shuffle(nonHoles.filter((v) => byRoom(v) >= 8000)),
  ];
  for (const v of order) {
    if (covered.has(v.code)) continue;
    let best: { p: LatLon; room: number; d: number; score: number } | undefined;
    for (const radius of [150, 400, 900, 1500, 2100, 2700, 3300, 4000, 5000]) {
      for (let a = 0; a < 12; a++) {
        const p = offset(v, radius, ((a + (radius % 7) / 7) * Math.PI) / 6);
        const room = usableReach(holeRoom(p));
        const d = distanceMeters(p, v);
        if (room === 0 || d > room || !onLand(p)) continue;
        const score = villageIndex.within(p, room).filter((n) => !covered.has(n.item.code)).length;
        if (!best || score > best.score || (score === best.score && d < best.d)) best = { p, room, d, score };
      }
    }
    if (!best) throw new Error(`no site can cover ${v.code} and stay clear of the signal holes`);
    const highland = HIGHLAND_DISTRICTS.has(v.old.district_code);
    const techs = chooseTechs(r, highland ? BACKBONE_HIGHLAND : BACKBONE_LOWLAND, best.room, best.d);
    if (!techs) throw new Error(`no technology fits the site for ${v.code}`);
    const op = r.weighted(BIG_THREE, ([, s]) => s)[0];
    add({ ...best.p, operator_id: op, technologies: techs, status: "on_air", kind: "backbone" });
    take(op);
  }

  // Then each operator's remaining share, densest in towns; a few of the
  // city's sites carry 5G.
  let fiveG = 10;
  for (let busy = true; busy; ) {
    busy = false;
    for (const [op] of STATION_SHARE) {
      if ((quota.get(op) as number) <= 0) continue;
      busy = true;
      const five = fiveG > 0 && BIG_THREE.some(([o]) => o === op) && r.chance(0.05);
      const site = denseSite(op, "on_air", five ? "5g" : "dense");
      if (site.kind === "5g") fiveG--;
      add(site);
      take(op);
    }
  }
  return sites;
}

// ---------------------------------------------------------------- station histories

const DAY_MS = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoDay = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
// The demo is a snapshot taken at DEMO_TIMESTAMP: every step of every
// station happened before it.
const HISTORY_END = day("2026-09-30");

type History = Pick<
  StationRow,
  | "planned_on_air_date"
  | "planned_at"
  | "permitted_at"
  | "building_at"
  | "on_air_at"
  | "outage_at"
  | "decommissioned_at"
>;

const STATION_STEPS: StationStatus[] = ["planned", "permitted", "building"];
// Vietnam's first commercial 4G network opened in 2017.
const FIRST_4G = "2017-06-01";

// Each station went through the steps up to its status, in order, and has a
// date for each step it took and none for the steps ahead of it.
function history(r: Rng, site: Site): History {
  const between = (from: string, to: string) => r.int(day(from), day(to));
  const h: History = {
    planned_on_air_date: null,
    planned_at: null,
    permitted_at: null,
    building_at: null,
    on_air_at: null,
    outage_at: null,
    decommissioned_at: null,
  };
  if (site.status === "planned" || site.status === "permitted" || site.status === "building") {
    const steps = STATION_STEPS.indexOf(site.status);
    const planned = between(["2025-09-01", "2025-03-01", "2024-09-01"][steps] as string, "2026-06-30");
    const permitted = Math.min(HISTORY_END, planned + r.int(30, 150));
    h.planned_at = isoDay(planned);
    if (steps >= 1) h.permitted_at = isoDay(permitted);
    if (steps >= 2) h.building_at = isoDay(Math.min(HISTORY_END, permitted + r.int(20, 120)));
    h.planned_on_air_date = isoDay(between(steps === 2 ? "2026-12-01" : "2027-01-15", "2027-12-31"));
    return h;
  }
  const window: Record<Site["kind"], [string, string]> = {
    backbone: site.technologies.length === 1 ? ["2016-05-01", "2019-12-31"] : ["2016-05-01", "2023-12-31"],
    dense: ["2016-05-01", "2026-09-15"],
    "5g": ["2024-06-01", "2026-09-15"],
    old: ["2016-05-01", "2019-06-30"],
    hole: ["2016-05-01", "2026-09-15"],
  };
  const [from, to] = window[site.kind];
  const onlyNewTech = !site.technologies.includes("2g") && !site.technologies.includes("3g");
  const onAir = between(onlyNewTech && from < FIRST_4G ? FIRST_4G : from, to);
  const building = onAir - r.int(30, 150);
  const permitted = building - r.int(20, 120);
  h.planned_at = isoDay(permitted - r.int(30, 200));
  h.permitted_at = isoDay(permitted);
  h.building_at = isoDay(building);
  h.on_air_at = isoDay(onAir);
  if (site.status === "outage") h.outage_at = isoDay(r.int(Math.max(onAir + 1, day("2026-09-01")), HISTORY_END));
  if (site.status === "decommissioned") h.decommissioned_at = isoDay(between("2020-01-01", "2025-06-30"));
  return h;
}

// ---------------------------------------------------------------- commitments

const BLOCKER_NOTES: Record<Blocker["kind"], string> = {
  no_grid_power: "Vị trí đặt trạm chưa có điện lưới quốc gia; cần pin mặt trời và ắc quy dự phòng.",
  terrain: "Thôn nằm sâu trong thung lũng đá vôi, bị núi che chắn; phải dựng cột cao trên đỉnh đồi.",
  few_households: "Ít hộ dân, doanh thu không đủ bù chi phí vận hành trạm.",
  funding: "Chờ bố trí vốn từ Quỹ Dịch vụ viễn thông công ích.",
  land_permit: "Chưa hoàn tất thủ tục thuê đất rừng để đặt trạm.",
  other: "Đường vào thôn chưa thông xe, vận chuyển thiết bị khó khăn.",
};

const PLAN_NOTES: Record<string, string> = {
  planned: "Đã đưa vào kế hoạch đầu tư; đang khảo sát vị trí đặt trạm.",
  permitted: "Đã được cấp phép xây dựng trạm; chờ kéo điện đến vị trí trạm.",
  building: "Đang thi công nhà trạm và cột anten.",
  none: "Chưa có phương án đầu tư; Sở đề nghị doanh nghiệp khảo sát lại và báo cáo trong quý.",
};

// Who promised to cover which group of villages without signal, and by when.
function commitmentRows(groups: Village[][], planned: Map<number, StationRow>): CommitmentRow[] {
  return groups.flatMap((group, i) => {
    const { station, commitment } = holePlan(i);
    const first = group[0];
    if (!commitment || !first) return [];
    const operator_id = commitment.operator_id ?? station?.operator_id;
    const target_date = commitment.due ?? planned.get(i)?.planned_on_air_date;
    if (!operator_id || !target_date) throw new Error(`hole plan ${i} has no operator or due date`);
    return [
      {
        village_code: first.code,
        operator_id,
        target_date,
        status: "open",
        blockers: commitment.blockers.map((kind) => ({ kind, note: BLOCKER_NOTES[kind] })),
        notes: PLAN_NOTES[station?.status ?? "none"] as string,
        version: 1,
        created_by: DEMO_ACTOR,
        updated_by: DEMO_ACTOR,
        created_at: DEMO_TIMESTAMP,
        updated_at: DEMO_TIMESTAMP,
      },
    ];
  });
}

// ---------------------------------------------------------------- the demo

const shortName = (name: string) => name.replace(/^(Thôn|Bản) /, "");

export function generateDemo(): DemoData {
  const vs = placeVillages();
  if (vs.length !== DEMO_VILLAGES) throw new Error(`placed ${vs.length} villages, expected ${DEMO_VILLAGES}`);
  const groups = chooseHoles(vs);
  const holeCodes = new Set(groups.flat().map((v) => v.code));
  const sites = placeStations(vs, groups);
  if (sites.length !== DEMO_STATIONS) throw new Error(`placed ${sites.length} stations, expected ${DEMO_STATIONS}`);

  // Stations are numbered in the order they were first planned, as a
  // department's register would be.
  const r = rng(SEED, "histories");
  const villageIndex = new GridIndex(vs);
  const dated = sites
    .map((site) => ({ site, h: history(r, site) }))
    .sort(
      (a, b) =>
        (a.h.planned_at as string).localeCompare(b.h.planned_at as string) ||
        a.site.lat - b.site.lat ||
        a.site.lon - b.site.lon,
    );
  const perOperator = new Map<string, number>();
  const stationRows: StationRow[] = dated.map(({ site, h }, i) => {
    const n = (perOperator.get(site.operator_id) ?? 0) + 1;
    perOperator.set(site.operator_id, n);
    const near = nearest(villageIndex, site)?.item;
    if (!near) throw new Error("station far from every village");
    const height = site.kind === "5g" ? r.int(20, 30) : isUrban(near.old) ? r.int(20, 35) : r.int(25, 45);
    return {
      id: `st-${String(i + 1).padStart(5, "0")}`,
      operator_id: site.operator_id,
      site_code: `HGG-${SITE_PREFIX[site.operator_id]}-${String(n).padStart(4, "0")}`,
      name: `BTS ${shortName(near.name)}`,
      lat: site.lat,
      lon: site.lon,
      technologies: site.technologies,
      antenna_height_m: height,
      status: site.status,
      ...h,
      province_code: NEW_PROVINCE_CODE,
      commune_code: near.commune.code,
      old_province_code: OLD_PROVINCE_CODE,
      old_district_code: near.old.district_code,
      old_commune_code: near.old.code,
      synthetic: true,
      version: 1,
      created_by: DEMO_ACTOR,
      updated_by: DEMO_ACTOR,
      created_at: DEMO_TIMESTAMP,
      updated_at: DEMO_TIMESTAMP,
    };
  });

  const claims = computeClaims(
    vs,
    stationRows.map(
      (s): StationForCoverage => ({
        id: s.id,
        operator_id: s.operator_id,
        technologies: s.technologies,
        status: s.status as StationStatus,
        lat: s.lat,
        lon: s.lon,
      }),
    ),
    CONFIG,
  ).sort(
    (a, b) =>
      a.village_code.localeCompare(b.village_code) ||
      a.operator_id.localeCompare(b.operator_id) ||
      a.tech.localeCompare(b.tech),
  );
  const claimsOf = new Map<string, CoverageRow[]>();
  for (const c of claims) {
    const list = claimsOf.get(c.village_code) ?? [];
    list.push({
      ...c,
      source: "computed",
      effective: false,
      measurement_id: null,
      verified_at: DEMO_TIMESTAMP,
      updated_at: DEMO_TIMESTAMP,
    });
    claimsOf.set(c.village_code, list);
  }
  // As the coverage engine stores them: the winning claim per operator and
  // technology is marked effective.
  const coverageRows: CoverageRow[] = [];
  for (const list of claimsOf.values()) {
    const winners = new Set(effectiveClaims(list));
    for (const row of list) coverageRows.push({ ...row, effective: winners.has(row) });
  }

  const people = rng(SEED, "households");
  const villageRows: VillageRow[] = vs.map((v) => {
    const { coverage_state, best_tech } = villageCoverage(claimsOf.get(v.code) ?? [], true);
    const households = holeCodes.has(v.code)
      ? people.int(25, 70)
      : isUrban(v.old)
        ? people.int(80, 180)
        : Math.round(25 + 155 * people.next() ** 1.6);
    return {
      code: v.code,
      name: v.name,
      name_normalized: normalizeName(v.name),
      province_code: NEW_PROVINCE_CODE,
      commune_code: v.commune.code,
      old_province_code: OLD_PROVINCE_CODE,
      old_district_code: v.old.district_code,
      old_commune_code: v.old.code,
      lat: v.lat,
      lon: v.lon,
      households,
      population: Math.round(households * people.between(4.5, 5.2)),
      synthetic: true,
      coverage_state,
      best_tech,
      coverage_changed_at: DEMO_TIMESTAMP,
      version: 1,
      created_at: DEMO_TIMESTAMP,
      updated_at: DEMO_TIMESTAMP,
    };
  });

  // The check, not the cause: the holes must come out of the computation.
  const without = villageRows.filter((v) => v.coverage_state === "none").map((v) => v.code);
  if (without.length !== DEMO_VILLAGES_WITHOUT_SIGNAL || without.some((c) => !holeCodes.has(c))) {
    throw new Error(`computed ${without.length} villages without signal, expected ${DEMO_VILLAGES_WITHOUT_SIGNAL}`);
  }

  return {
    operators: operatorRows(),
    units: unitRows(),
    unit_successions: successionRows(),
    villages: villageRows,
    stations: stationRows,
    coverage: coverageRows,
    commitments: commitmentRows(
      groups,
      new Map(
        dated.flatMap(({ site }, i) => (site.group === undefined ? [] : [[site.group, stationRows[i] as StationRow]])),
      ),
    ),
    settings: [
      { key: "coverage_config", value: CONFIG, updated_at: DEMO_TIMESTAMP, updated_by: DEMO_ACTOR },
      {
        key: "demo_seed",
        value: { version: DEMO_SEED_VERSION, generated_at: DEMO_TIMESTAMP },
        updated_at: DEMO_TIMESTAMP,
        updated_by: DEMO_ACTOR,
      },
    ],
  };
}
