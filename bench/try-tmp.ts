import { generateNational } from "../demo/national.ts";
import { computeClaims, StationIndex } from "../worker/domain/coverage.ts";
import { distanceMeters, GridIndex } from "../worker/domain/geo.ts";

const d = generateNational();
const stations = d.stations.map((s, i) => ({
  id: `s${String(i).padStart(6, "0")}`,
  operator_id: s.operator_id,
  lat: s.lat,
  lon: s.lon,
  technologies: s.technologies.split("|") as never,
  status: s.status as never,
}));
let t = performance.now();
const idx = new StationIndex(stations);
let n = 0;
for (const v of d.villages) n += idx.claimsFor(v).length;
console.log("village-centric", n, (performance.now() - t).toFixed(0), "ms");
// reference: the original station-centric algorithm on a subset
const sub = d.villages.filter((_, i) => i % 20 === 0);
t = performance.now();
const ref = refClaims(sub, stations);
console.log("reference on 5%", ref.length, (performance.now() - t).toFixed(0));
const mine = computeClaims(sub, stations);
const key = (c: {
  village_code: string;
  operator_id: string;
  tech: string;
  level: string;
  station_id: string;
  distance_m: number;
}) => `${c.village_code}|${c.operator_id}|${c.tech}|${c.level}|${c.station_id}|${c.distance_m}`;
const a = new Set(ref.map(key));
const b = new Set(mine.map(key));
console.log("equal", a.size === b.size && [...a].every((k) => b.has(k)), a.size, b.size);
function refClaims(villages: typeof sub, sts: typeof stations) {
  const index = new GridIndex(villages);
  const cfg = { ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1 }, good_fraction: 0.6 } as const;
  const rank = { good: 3, weak: 2 } as Record<string, number>;
  const best = new Map<
    string,
    { village_code: string; operator_id: string; tech: string; level: string; station_id: string; distance_m: number }
  >();
  for (const s of sts) {
    if (s.status !== "on_air") continue;
    const techs = s.technologies as unknown as Array<"2g" | "3g" | "4g" | "5g">;
    const reach = Math.max(0, ...techs.map((t) => cfg.ranges_km[t] * 1000));
    for (const { item: v, distance_m } of index.within(s, reach)) {
      for (const tech of techs) {
        const range = cfg.ranges_km[tech] * 1000;
        if (distance_m > range) continue;
        const level = distance_m <= range * cfg.good_fraction ? "good" : "weak";
        const claim = {
          village_code: v.code,
          operator_id: s.operator_id,
          tech,
          level,
          station_id: s.id,
          distance_m: Math.round(distance_m),
        };
        const k = `${v.code}|${s.operator_id}|${tech}`;
        const c = best.get(k);
        if (
          !c ||
          rank[level]! > rank[c.level]! ||
          (rank[level] === rank[c.level] &&
            (claim.distance_m < c.distance_m || (claim.distance_m === c.distance_m && claim.station_id < c.station_id)))
        )
          best.set(k, claim);
      }
    }
  }
  void distanceMeters;
  return [...best.values()];
}
