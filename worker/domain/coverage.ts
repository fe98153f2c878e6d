import type { CoverageLevel, CoverageSource, StationStatus, Tech } from "../../schema/tables.ts";
import { TECHS } from "../../schema/tables.ts";
import { EARTH_RADIUS_M, type LatLon } from "./geo.ts";

export type CoverageConfig = {
  // Nominal radius of a station's service per technology. Hà Giang is
  // mountainous, so these are deliberately below flat-terrain figures.
  ranges_km: Record<Tech, number>;
  // Within this fraction of the radius the signal counts as good, beyond it weak.
  good_fraction: number;
};

export const DEFAULT_COVERAGE_CONFIG: CoverageConfig = {
  ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1 },
  good_fraction: 0.6,
};

export function maxRangeMeters(config: CoverageConfig): number {
  return Math.max(...TECHS.map((t) => config.ranges_km[t])) * 1000;
}

export type StationForCoverage = LatLon & {
  id: string;
  operator_id: string;
  technologies: Tech[];
  status: StationStatus;
};

export type VillagePoint = { code: string; lat: number | null; lon: number | null };

export type ComputedClaim = {
  village_code: string;
  operator_id: string;
  tech: Tech;
  level: "good" | "weak";
  station_id: string;
  distance_m: number;
};

// Only a station on air radiates: planned, building and outage stations are
// promises, not signal.
export function radiates(status: StationStatus): boolean {
  return status === "on_air";
}

export function levelAt(distance_m: number, tech: Tech, config: CoverageConfig): "good" | "weak" | null {
  const range = config.ranges_km[tech] * 1000;
  if (distance_m > range) return null;
  return distance_m <= range * config.good_fraction ? "good" : "weak";
}

const LEVEL_RANK: Record<CoverageLevel, number> = { good: 3, weak: 2, none: 1, unknown: 0 };
const TECH_RANK: Record<Tech, number> = { "2g": 1, "3g": 2, "4g": 3, "5g": 4 };

const toRad = (deg: number) => (deg * Math.PI) / 180;
// Cells are widened by this factor so that rounding never moves a station
// that is within reach out of the cells searched.
const CELL_SLACK = 1 + 1e-9;
// Keeps the trigonometry-free bound below the true distance despite rounding.
const LOWER_BOUND_SLACK = 1 - 1e-9;
const MAX_CELLS = 4_000_000;
// Degrees to half-angles in radians, for the lower bound only (the exact
// distance keeps distanceMeters()'s own arithmetic).
const HALF_RADIAN = Math.PI / 360;
// Cells are a sixth of the longest reach: the stations that may reach a
// village lie within six cells of its own. Each row of cells searched is one
// run of stations (they are sorted by cell), as wide as a disc of that
// radius allows with a cell to spare: a station in a cell |di| rows and |dj|
// columns away is at least (|di| − 1) and (|dj| − 1) cells away along each
// axis, and both together bound the distance from below.
const CELL_DIVISIONS = 6;
// Row offsets, nearest first, each with the column offset it spans.
const ROW_SPANS = Array.from({ length: 2 * CELL_DIVISIONS + 1 }, (_, k) => k - CELL_DIVISIONS)
  .sort((a, b) => Math.abs(a) - Math.abs(b))
  .flatMap((di) => {
    const gap = Math.max(Math.abs(di) - 1, 0);
    return [di, Math.floor(Math.sqrt(CELL_DIVISIONS ** 2 - gap ** 2)) + 1];
  });

// Stations on air bucketed in cells, so that the stations reaching a village
// are all in the cells around its own (see CELL_DIVISIONS).
// The answer is the same as scanning every station: a station reaches a
// village when distanceMeters(station, village) is within its longest range,
// computed with the very same arithmetic. Station fields live in typed arrays,
// sorted by cell: a national recompute looks at tens of millions of pairs.
export class StationIndex {
  private readonly stations: StationForCoverage[];
  private readonly lat: Float64Array;
  private readonly lon: Float64Array;
  private readonly cos: Float64Array;
  private readonly reach: Float64Array;
  // reach / 2R, a little enlarged: the half-angle the lower bound compares with.
  private readonly reachAngle: Float64Array;
  private readonly op: Int32Array;
  // Bit t set: the station carries TECHS[t].
  private readonly techs: Uint8Array;
  // A dense grid over the stations' extent: cell r × cols + c holds stations
  // cellStart[cell] … cellStart[cell + 1] − 1.
  private readonly cellStart: Int32Array = new Int32Array(1);
  private readonly rows: number = 0;
  private readonly cols: number = 0;
  private readonly minRow: number = 0;
  private readonly minCol: number = 0;
  private readonly operators: string[] = [];
  private readonly cellLat: number = 1;
  private readonly cellLon: number = 1;
  private readonly range: number[];
  private readonly good: number[];
  // Per operator × technology slot, reset for each village: the best level's
  // rank (3 good, 2 weak, 0 none yet), rounded distance and station.
  private readonly rank: Uint8Array;
  private readonly dist: Float64Array;
  private readonly from: Int32Array;
  // Slots in the order claims are listed: by operator id, then technology.
  private readonly order: number[];
  // Hashes of each operator id and station id, for digestFor().
  private readonly operatorHash: number[];
  private readonly idHash: Uint32Array;

  constructor(stations: Iterable<StationForCoverage>, config: CoverageConfig = DEFAULT_COVERAGE_CONFIG) {
    this.range = TECHS.map((t) => config.ranges_km[t] * 1000);
    this.good = this.range.map((r) => r * config.good_fraction);
    const radiating = [...stations].filter((s) => radiates(s.status));
    const opIndex = new Map<string, number>();
    for (const s of radiating) {
      if (!opIndex.has(s.operator_id)) {
        opIndex.set(s.operator_id, this.operators.length);
        this.operators.push(s.operator_id);
      }
    }
    const reachOf = (s: StationForCoverage) => Math.max(0, ...s.technologies.map((t) => config.ranges_km[t] * 1000));
    const maxReach = radiating.reduce((m, s) => Math.max(m, reachOf(s)), 0);
    const maxAbsLat = radiating.reduce((m, s) => Math.max(m, Math.abs(s.lat)), 0);
    // The meridian arc is a lower bound of the distance, and so is the
    // parallel arc at the most poleward latitude a reached village can have.
    const angle = Math.max(maxReach, 1) / EARTH_RADIUS_M;
    const reachLat = (angle * 180 * CELL_SLACK) / Math.PI;
    const poleward = Math.min(89.9, maxAbsLat + reachLat);
    const sinHalf = Math.min(1, Math.sin(angle / 2) / Math.cos(toRad(poleward)));

    let cellLat = reachLat / CELL_DIVISIONS;
    let cellLon = (2 * Math.asin(sinHalf) * 180 * CELL_SLACK) / Math.PI / CELL_DIVISIONS;
    const extent = (f: (s: StationForCoverage) => number) => [
      radiating.reduce((m, s) => Math.min(m, f(s)), Number.POSITIVE_INFINITY),
      radiating.reduce((m, s) => Math.max(m, f(s)), Number.NEGATIVE_INFINITY),
    ];
    const [minLat, maxLat] = extent((s) => s.lat) as [number, number];
    const [minLon, maxLon] = extent((s) => s.lon) as [number, number];
    // Stations spread over a continent would make the grid too large: cells
    // then grow, and with them the stations looked at per village.
    while (radiating.length > 0 && ((maxLat - minLat) / cellLat + 1) * ((maxLon - minLon) / cellLon + 1) > MAX_CELLS) {
      cellLat *= 2;
      cellLon *= 2;
    }
    this.cellLat = cellLat;
    this.cellLon = cellLon;
    if (radiating.length > 0) {
      this.minRow = Math.floor(minLat / cellLat);
      this.minCol = Math.floor(minLon / cellLon);
      this.rows = Math.floor(maxLat / cellLat) - this.minRow + 1;
      this.cols = Math.floor(maxLon / cellLon) - this.minCol + 1;
    }
    const cellOf = (s: StationForCoverage) =>
      (Math.floor(s.lat / cellLat) - this.minRow) * this.cols + (Math.floor(s.lon / cellLon) - this.minCol);
    const keyed = radiating.map((s) => ({ s, cell: cellOf(s) })).sort((a, b) => a.cell - b.cell);
    const n = keyed.length;
    this.stations = keyed.map((k) => k.s);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.cos = new Float64Array(n);
    this.reach = new Float64Array(n);
    this.reachAngle = new Float64Array(n);
    this.op = new Int32Array(n);
    this.techs = new Uint8Array(n);
    this.cellStart = new Int32Array(this.rows * this.cols + 1);
    keyed.forEach(({ s, cell }, i) => {
      this.lat[i] = s.lat;
      this.lon[i] = s.lon;
      this.cos[i] = Math.cos(toRad(s.lat));
      this.reach[i] = reachOf(s);
      this.reachAngle[i] = reachOf(s) / (2 * EARTH_RADIUS_M * LOWER_BOUND_SLACK);
      this.op[i] = opIndex.get(s.operator_id) as number;
      this.techs[i] = TECHS.reduce((bits, t, b) => (s.technologies.includes(t) ? bits | (1 << b) : bits), 0);
      (this.cellStart[cell + 1] as number)++;
    });
    for (let c = 1; c < this.cellStart.length; c++) {
      this.cellStart[c] = (this.cellStart[c] as number) + (this.cellStart[c - 1] as number);
    }
    const slots = this.operators.length * TECHS.length;
    this.rank = new Uint8Array(slots);
    this.dist = new Float64Array(slots);
    this.from = new Int32Array(slots);
    this.operatorHash = this.operators.map(textHash);
    this.idHash = Uint32Array.from(this.stations, (s) => textHash(s.id));
    this.order = [...this.operators.keys()]
      .sort((a, b) => ((this.operators[a] as string) < (this.operators[b] as string) ? -1 : 1))
      .flatMap((op) => TECHS.map((_, t) => op * TECHS.length + t));
  }

  // Finds the strongest claim per operator × technology slot for one village.
  private fill(v: VillagePoint): void {
    const { lat, lon, cos, reach, reachAngle, op, techs, range, good, rank, dist, from } = this;
    rank.fill(0);
    if (v.lat === null || v.lon === null || this.stations.length === 0) return;
    const vLat = v.lat;
    const vLon = v.lon;
    const cosV = Math.cos(toRad(vLat));
    const i0 = Math.floor(vLat / this.cellLat) - this.minRow;
    const j0 = Math.floor(vLon / this.cellLon) - this.minCol;
    const { rows, cols, cellStart } = this;
    // The village's own row first, then outwards: the nearest stations set
    // the bar that rules out the farther ones.
    for (let k = 0; k < ROW_SPANS.length; k += 2) {
      const i = i0 + (ROW_SPANS[k] as number);
      const span = ROW_SPANS[k + 1] as number;
      const first = Math.max(0, j0 - span);
      const last = Math.min(cols - 1, j0 + span);
      if (i >= 0 && i < rows && first <= last) {
        const end = cellStart[i * cols + last + 1] as number;
        for (let n = cellStart[i * cols + first] as number; n < end; n++) {
          // A lower bound of distanceMeters(s, v) without trigonometry
          // (sin x ≥ x − x³/6, asin z ≥ z) rules out most stations: those
          // out of reach, and those that cannot beat the claims found so far.
          // Half-angles in radians; reachAngle is the station's reach as one.
          const y = Math.abs(vLat - (lat[n] as number)) * HALF_RADIAN;
          const yLo = y - (y * y * y) / 6;
          const limit = reachAngle[n] as number;
          if (yLo > limit) continue;
          const x = Math.abs(vLon - (lon[n] as number)) * HALF_RADIAN;
          const xLo = x - (x * x * x) / 6;
          const sCos = cos[n] as number;
          const low2 = yLo * yLo + sCos * cosV * xLo * xLo;
          if (low2 > limit * limit) continue;
          const low = 2 * EARTH_RADIUS_M * Math.sqrt(low2) * LOWER_BOUND_SLACK;
          const bits = techs[n] as number;
          const o = op[n] as number;
          const sReach = reach[n] as number;
          let hopeful = false;
          for (let t = 0; t < TECHS.length && !hopeful; t++) {
            if ((bits & (1 << t)) === 0) continue;
            const possible = low <= (good[t] as number) ? 3 : low <= (range[t] as number) ? 2 : 0;
            const slot = o * TECHS.length + t;
            const current = rank[slot] as number;
            hopeful =
              possible > current || (possible > 0 && possible === current && low < (dist[slot] as number) + 0.5);
          }
          if (!hopeful) continue;
          // distanceMeters(s, v), with each point's cosine computed once; x * x
          // is what x ** 2 computes, exactly.
          const sLat = Math.sin(toRad(vLat - (lat[n] as number)) / 2);
          const sLon = Math.sin(toRad(vLon - (lon[n] as number)) / 2);
          const h = sLat * sLat + sCos * cosV * (sLon * sLon);
          const d = 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
          if (d > sReach) continue;
          const rounded = Math.round(d);
          for (let t = 0; t < TECHS.length; t++) {
            // levelAt(), inlined.
            if ((bits & (1 << t)) === 0 || d > (range[t] as number)) continue;
            const r = d <= (good[t] as number) ? 3 : 2;
            const slot = o * TECHS.length + t;
            const current = rank[slot] as number;
            if (
              r > current ||
              (r === current &&
                (rounded < (dist[slot] as number) ||
                  (rounded === dist[slot] &&
                    (this.stations[n] as StationForCoverage).id <
                      (this.stations[from[slot] as number] as StationForCoverage).id)))
            ) {
              rank[slot] = r;
              dist[slot] = rounded;
              from[slot] = n;
            }
          }
        }
      }
    }
  }

  // The strongest claim per operator × technology for one village, ordered by
  // operator and technology.
  claimsFor(v: VillagePoint): ComputedClaim[] {
    this.fill(v);
    const { rank, dist, from } = this;
    const out: ComputedClaim[] = [];
    for (const slot of this.order) {
      const r = rank[slot] as number;
      if (r === 0) continue;
      const s = this.stations[from[slot] as number] as StationForCoverage;
      out.push({
        village_code: v.code,
        operator_id: s.operator_id,
        tech: TECHS[slot % TECHS.length] as Tech,
        level: r === 3 ? "good" : "weak",
        station_id: s.id,
        distance_m: dist[slot] as number,
      });
    }
    return out;
  }

  // claimsDigest(claimsFor(v)), without making the claims: a full recompute
  // needs the claims only of the villages whose digest changed.
  digestFor(v: VillagePoint): string {
    this.fill(v);
    const { rank, dist, from } = this;
    const h = digestStart();
    for (const slot of this.order) {
      const r = rank[slot] as number;
      if (r === 0) continue;
      const s = from[slot] as number;
      digestClaim(
        h,
        this.operatorHash[Math.floor(slot / TECHS.length)] as number,
        slot % TECHS.length,
        r,
        dist[slot] as number,
        this.idHash[s] as number,
      );
    }
    return digestEnd(h);
  }
}

// A village's computed claims in a few bytes, so that what the engine wrote
// can be compared with a fresh computation without reading the claims back:
// two 32-bit lanes mixed as cyrb53 does, over each claim's operator,
// technology, level, distance and station (53 bits; a collision between a
// village's old and new claims is out of practical reach).
type Digest = [number, number];
const digestStart = (): Digest => [0xdeadbeef, 0x41c6ce57];

function digestMix(h: Digest, n: number): void {
  h[0] = Math.imul(h[0] ^ n, 2654435761);
  h[1] = Math.imul(h[1] ^ n, 1597334677);
}

function digestClaim(h: Digest, operator: number, tech: number, rank: number, distance: number, station: number): void {
  digestMix(h, operator);
  digestMix(h, tech * 4 + rank);
  digestMix(h, distance);
  digestMix(h, station);
}

function digestEnd([a, b]: Digest): string {
  const h1 = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  const h2 = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function textHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function claimsDigest(claims: ComputedClaim[]): string {
  const h = digestStart();
  for (const c of claims) {
    digestClaim(
      h,
      textHash(c.operator_id),
      TECHS.indexOf(c.tech),
      c.level === "good" ? 3 : 2,
      c.distance_m,
      textHash(c.station_id),
    );
  }
  return digestEnd(h);
}

// The strongest claim per village × operator × technology from stations on air.
// Deterministic: ties go to the nearer station, then the smaller id.
export function computeClaims(
  villages: Iterable<VillagePoint>,
  stations: Iterable<StationForCoverage>,
  config: CoverageConfig = DEFAULT_COVERAGE_CONFIG,
): ComputedClaim[] {
  const index = new StationIndex(stations, config);
  return [...villages].flatMap((v) => index.claimsFor(v));
}

export type Claim = {
  operator_id: string;
  tech: Tech;
  source: CoverageSource;
  level: CoverageLevel;
};

// A field survey is ground truth and beats a public report, which beats the
// model's computed claim, for the same operator and technology.
const SOURCE_PRIORITY: Record<CoverageSource, number> = { survey: 3, report: 2, computed: 1 };

export function effectiveClaims<C extends Claim>(claims: C[]): C[] {
  const winners = new Map<string, C>();
  for (const c of claims) {
    const key = `${c.operator_id}|${c.tech}`;
    const current = winners.get(key);
    if (!current || SOURCE_PRIORITY[c.source] > SOURCE_PRIORITY[current.source]) winners.set(key, c);
  }
  return [...winners.values()];
}

export type VillageCoverage = { coverage_state: CoverageLevel; best_tech: Tech | null };

// `assessed` says whether the village could be evaluated at all (it has a
// location): an assessed village with no claim has no signal, an unassessed one
// is unknown.
export function villageCoverage(claims: Claim[], assessed: boolean): VillageCoverage {
  const effective = effectiveClaims(claims);
  let state: CoverageLevel = assessed ? "none" : "unknown";
  let best: Tech | null = null;
  for (const c of effective) {
    if (LEVEL_RANK[c.level] > LEVEL_RANK[state]) state = c.level;
    if ((c.level === "good" || c.level === "weak") && (!best || TECH_RANK[c.tech] > TECH_RANK[best])) {
      best = c.tech;
    }
  }
  return { coverage_state: state, best_tech: best };
}

export function isCovered(state: CoverageLevel): boolean {
  return state === "good" || state === "weak";
}
