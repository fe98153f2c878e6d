import type { Tech } from "../../schema/tables.ts";
import { type CoverageConfig, levelAt } from "./coverage.ts";
import { bboxAround, distanceMeters, GridIndex, type LatLon } from "./geo.ts";

export type SitingTarget = LatLon & { code: string; households: number | null };

export type Suggestion = LatLon & { covers: string[]; households: number };

// Candidate coordinates are rounded to this many decimals (about a metre), so
// that what the API returns is exactly the point whose coverage was computed.
const DECIMALS = 5;
const round = (x: number) => Math.round(x * 10 ** DECIMALS) / 10 ** DECIMALS;

// A new station covers a village when the coverage engine would give it a
// claim from there: within the nominal range of the technology.
export function covers(site: LatLon, village: LatLon, tech: Tech, config: CoverageConfig): boolean {
  return levelAt(distanceMeters(site, village), tech, config) !== null;
}

// Where a station could go: on each village without signal, on a 5 × 5 grid
// around it at half the range (so a site between villages is tried too), and
// midway between any two villages close enough for one site to reach both.
export function candidateSites(targets: SitingTarget[], rangeM: number): LatLon[] {
  const out = new Map<string, LatLon>();
  const add = (p: LatLon) => {
    const site = { lat: round(p.lat), lon: round(p.lon) };
    out.set(`${site.lat},${site.lon}`, site);
  };
  const index = new GridIndex(targets);
  for (const t of targets) {
    const box = bboxAround(t, rangeM / 2);
    const dLat = box.maxLat - t.lat;
    const dLon = box.maxLon - t.lon;
    for (let i = -2; i <= 2; i++) {
      for (let j = -2; j <= 2; j++) add({ lat: t.lat + i * dLat, lon: t.lon + j * dLon });
    }
    for (const { item: other } of index.within(t, 2 * rangeM)) {
      if (other.code > t.code) add({ lat: (t.lat + other.lat) / 2, lon: (t.lon + other.lon) / 2 });
    }
  }
  return [...out.values()];
}

type Candidate = LatLon & { reach: SitingTarget[] };

// Greedy maximum coverage: take the site that covers the most villages still
// without signal (more households on a tie, then the southernmost and
// westernmost, so the answer never depends on iteration order), remove what it
// covers, repeat. Greedy covers at least 1 − 1/e (63 %) of what the best
// choice of `maxSites` of these candidates would: a starting point for the
// discussion of plans, not a radio plan.
export function suggestSites(
  targets: SitingTarget[],
  options: { tech: Tech; config: CoverageConfig; maxSites: number },
): Suggestion[] {
  const rangeM = options.config.ranges_km[options.tech] * 1000;
  const index = new GridIndex(targets);
  const candidates: Candidate[] = candidateSites(targets, rangeM).map((site) => ({
    ...site,
    reach: index
      .within(site, rangeM)
      .map((hit) => hit.item)
      .filter((v) => covers(site, v, options.tech, options.config)),
  }));
  const remaining = new Set(targets.map((t) => t.code));
  const suggestions: Suggestion[] = [];
  while (suggestions.length < options.maxSites && remaining.size > 0) {
    let best: { site: Candidate; gained: SitingTarget[]; households: number } | undefined;
    for (const site of candidates) {
      const gained = site.reach.filter((v) => remaining.has(v.code));
      if (gained.length === 0) continue;
      const households = gained.reduce((sum, v) => sum + (v.households ?? 0), 0);
      if (
        !best ||
        gained.length > best.gained.length ||
        (gained.length === best.gained.length &&
          (households > best.households ||
            (households === best.households &&
              (site.lat < best.site.lat || (site.lat === best.site.lat && site.lon < best.site.lon)))))
      ) {
        best = { site, gained, households };
      }
    }
    if (!best) break;
    for (const v of best.gained) remaining.delete(v.code);
    suggestions.push({
      lat: best.site.lat,
      lon: best.site.lon,
      covers: best.gained.map((v) => v.code).sort(),
      households: best.households,
    });
  }
  return suggestions;
}
