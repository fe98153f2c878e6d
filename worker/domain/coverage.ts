import type { CoverageLevel, CoverageSource, StationStatus, Tech } from "../../schema/tables.ts";
import { TECHS } from "../../schema/tables.ts";
import { GridIndex, type LatLon } from "./geo.ts";

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

function better(a: ComputedClaim, b: ComputedClaim): boolean {
  if (LEVEL_RANK[a.level] !== LEVEL_RANK[b.level]) return LEVEL_RANK[a.level] > LEVEL_RANK[b.level];
  if (a.distance_m !== b.distance_m) return a.distance_m < b.distance_m;
  return a.station_id < b.station_id;
}

// The strongest claim per village × operator × technology from stations on air.
// Deterministic: ties go to the nearer station, then the smaller id.
export function computeClaims(
  villages: Iterable<VillagePoint>,
  stations: Iterable<StationForCoverage>,
  config: CoverageConfig = DEFAULT_COVERAGE_CONFIG,
): ComputedClaim[] {
  const located = [...villages].filter(
    (v): v is { code: string; lat: number; lon: number } => v.lat !== null && v.lon !== null,
  );
  const index = new GridIndex(located);
  const best = new Map<string, ComputedClaim>();
  for (const s of stations) {
    if (!radiates(s.status)) continue;
    const reach = Math.max(0, ...s.technologies.map((t) => config.ranges_km[t] * 1000));
    for (const { item: v, distance_m } of index.within(s, reach)) {
      for (const tech of s.technologies) {
        const level = levelAt(distance_m, tech, config);
        if (!level) continue;
        const claim: ComputedClaim = {
          village_code: v.code,
          operator_id: s.operator_id,
          tech,
          level,
          station_id: s.id,
          distance_m: Math.round(distance_m),
        };
        const key = `${v.code}|${s.operator_id}|${tech}`;
        const current = best.get(key);
        if (!current || better(claim, current)) best.set(key, claim);
      }
    }
  }
  return [...best.values()];
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
