import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { villageStatesInBox } from "../../worker/data/spatial.ts";
import {
  type ComputedClaim,
  DEFAULT_COVERAGE_CONFIG,
  levelAt,
  type StationForCoverage,
  StationIndex,
} from "../../worker/domain/coverage.ts";
import { distanceMeters } from "../../worker/domain/geo.ts";
import { getJson } from "./helpers/api.ts";
import {
  insertStations,
  insertVillages,
  recomputeAll,
  seedBase,
  stationRow,
  testDb,
  villageRow,
} from "./helpers/factories.ts";

// What the national-scale engine adds: the cell index over stations must find
// exactly what scanning every station finds, a full recompute must write only
// what changed (and repair what changed behind its back), and reads by box
// must return exactly the points inside.

const TECHS = ["2g", "3g", "4g", "5g"] as const;

// The definition, by brute force: every station on air, every technology.
function reference(villages: Array<{ code: string; lat: number; lon: number }>, stations: StationForCoverage[]) {
  const best = new Map<string, ComputedClaim>();
  const rank = { good: 2, weak: 1 };
  for (const v of villages) {
    for (const s of stations) {
      if (s.status !== "on_air") continue;
      const d = distanceMeters(s, v);
      for (const tech of s.technologies) {
        const level = levelAt(d, tech, DEFAULT_COVERAGE_CONFIG);
        if (!level) continue;
        const claim = {
          village_code: v.code,
          operator_id: s.operator_id,
          tech,
          level,
          station_id: s.id,
          distance_m: Math.round(d),
        };
        const key = `${v.code}|${s.operator_id}|${tech}`;
        const current = best.get(key);
        const wins =
          !current ||
          rank[level] > rank[current.level] ||
          (rank[level] === rank[current.level] &&
            (claim.distance_m < current.distance_m ||
              (claim.distance_m === current.distance_m && claim.station_id < current.station_id)));
        if (wins) best.set(key, claim);
      }
    }
  }
  return [...best.values()].map((c) => JSON.stringify(c)).sort();
}

const point = (lat: number, lon: number) =>
  fc.record({
    lat: fc.double({ min: lat - 0.15, max: lat + 0.15, noNaN: true }),
    lon: fc.double({ min: lon - 0.15, max: lon + 0.15, noNaN: true }),
  });

describe("the station cell index", () => {
  it("finds the claims that scanning every station finds, at any latitude", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 10.5, 21, 45, 70),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (lat, nVillages, nStations, seed) => {
          const rnd = fc.sample(point(lat, 105), { numRuns: nVillages + nStations, seed });
          const villages = rnd.slice(0, nVillages).map((p, i) => ({ code: `v${i}`, ...p }));
          const stations: StationForCoverage[] = rnd.slice(nVillages).map((p, i) => ({
            id: `s${i % 7}-${i}`,
            operator_id: ["viettel", "vinaphone"][i % 2] as string,
            technologies: TECHS.filter((_, t) => ((i + 1) >> t) & 1),
            status: i % 5 === 0 ? "outage" : "on_air",
            ...p,
          }));
          const index = new StationIndex(stations);
          const found = villages.flatMap((v) => index.claimsFor(v)).map((c) => JSON.stringify(c));
          expect(found.sort()).toEqual(reference(villages, stations));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps the edges of every range: a village exactly at a boundary", () => {
    const station: StationForCoverage = {
      id: "s",
      operator_id: "viettel",
      lat: 21,
      lon: 105,
      technologies: [...TECHS],
      status: "on_air",
    };
    // Villages due north at each technology's good and full range, and a
    // hair beyond.
    const villages = TECHS.flatMap((tech) => {
      const range = DEFAULT_COVERAGE_CONFIG.ranges_km[tech] * 1000;
      return [range * DEFAULT_COVERAGE_CONFIG.good_fraction, range].flatMap((m, i) =>
        [0, 1e-9, -1e-9].map((eps, j) => ({
          code: `${tech}-${i}-${j}`,
          lat: 21 + (m / 111_195) * (1 + eps),
          lon: 105,
        })),
      );
    });
    const index = new StationIndex([station]);
    expect(
      villages
        .flatMap((v) => index.claimsFor(v))
        .map((c) => JSON.stringify(c))
        .sort(),
    ).toEqual(reference(villages, [station]));
  });
});

const KM_LAT = 1 / 111.2;

describe("a full recompute", () => {
  beforeAll(async () => {
    await seedBase();
    const grid = Array.from({ length: 30 }, (_, i) =>
      villageRow({ code: `G-${i}`, lat: 23.2 + (i % 6) * 2 * KM_LAT, lon: 105.3 + Math.floor(i / 6) * 0.02 }),
    );
    // D1 binds at most 100 parameters per statement.
    for (let i = 0; i < grid.length; i += 5) await insertVillages(grid.slice(i, i + 5));
    await insertStations([
      stationRow({ id: "st-g1", site_code: "G1", lat: 23.2, lon: 105.3 }),
      stationRow({
        id: "st-g2",
        site_code: "G2",
        operator_id: "mobifone",
        lat: 23.25,
        lon: 105.34,
        technologies: ["2g", "3g", "4g"],
      }),
    ]);
    await recomputeAll();
  });

  it("writes nothing when nothing changed", async () => {
    const plan = await recomputeAll();
    expect(plan.statements).toEqual([]);
    expect(plan.changes).toEqual([]);
  });

  it("puts back a claim removed behind the engine's back, and only that village's", async () => {
    const db = env.DB;
    const before = (
      await db.prepare("SELECT * FROM coverage WHERE village_code = 'G-7' ORDER BY operator_id, tech").all()
    ).results;
    expect(before.length).toBeGreaterThan(0);
    await db.prepare("DELETE FROM coverage WHERE village_code = 'G-7' AND tech = '2g'").run();
    const plan = await recomputeAll();
    expect(plan.changes).toEqual([]);
    const after = (
      await db.prepare("SELECT * FROM coverage WHERE village_code = 'G-7' ORDER BY operator_id, tech").all()
    ).results;
    // The claims put back are new, and dated so; the others were not touched.
    const undated = (rows: Record<string, unknown>[]) => rows.map(({ verified_at: _v, updated_at: _u, ...r }) => r);
    expect(undated(after)).toEqual(undated(before));
    expect(after.filter((r) => r.tech !== "2g")).toEqual(before.filter((r) => r.tech !== "2g"));
    expect((await recomputeAll()).statements).toEqual([]);
  });

  it("notices a state changed behind its back", async () => {
    await env.DB.prepare("UPDATE villages SET coverage_state = 'none', best_tech = NULL WHERE code = 'G-0'").run();
    const plan = await recomputeAll();
    expect(plan.changes.map((c) => [c.code, c.from_state])).toEqual([["G-0", "none"]]);
  });

  it("reads by box exactly the villages inside the box", async () => {
    const all = (
      await env.DB.prepare("SELECT code, lat, lon FROM villages WHERE lat IS NOT NULL").all<{
        code: string;
        lat: number;
        lon: number;
      }>()
    ).results;
    for (const box of [
      { minLat: 23.2, maxLat: 23.21, minLon: 105.3, maxLon: 105.33 },
      { minLat: 23.19, maxLat: 23.3, minLon: 105.28, maxLon: 105.4 },
      { minLat: 23.2 + 2 * KM_LAT, maxLat: 23.2 + 2 * KM_LAT, minLon: 105.3, maxLon: 105.3 },
    ]) {
      const inside = all.filter(
        (v) => v.lat >= box.minLat && v.lat <= box.maxLat && v.lon >= box.minLon && v.lon <= box.maxLon,
      );
      const found = await villageStatesInBox(testDb(), box);
      expect(found.map((v) => v.code).sort()).toEqual(inside.map((v) => v.code).sort());
      const bbox = `${box.minLon},${box.minLat},${box.maxLon},${box.maxLat}`;
      const listed = await getJson<{ data: Array<{ code: string }> }>(`/api/v1/villages?limit=1000&bbox=${bbox}`);
      expect(listed.body.data.map((v) => v.code).sort()).toEqual(inside.map((v) => v.code).sort());
      const mapped = await getJson<{ villages: Array<[string]> }>(`/api/v1/map/villages?bbox=${bbox}`);
      expect(mapped.body.villages.map(([code]) => code).sort()).toEqual(inside.map((v) => v.code).sort());
    }
  });
});
