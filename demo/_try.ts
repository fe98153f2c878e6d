import { generateDemo } from "./generate.ts";
const t = performance.now();
const d = generateDemo();
console.log("ms", Math.round(performance.now() - t));
const count = (xs: any[], f: (x: any) => string) => { const m: Record<string, number> = {}; for (const x of xs) m[f(x)] = (m[f(x)] ?? 0) + 1; return m; };
console.log(count(d.villages, v => v.coverage_state), count(d.villages, v => String(v.best_tech)));
console.log(count(d.stations, s => s.status), count(d.stations, s => s.operator_id), count(d.stations, s => s.technologies.join("+")));
console.log(d.coverage.length, d.commitments.length);
const vmap = new Map(d.villages.map(v => [v.code, v]));
for (const c of d.commitments) console.log(c.village_code, vmap.get(c.village_code)?.name, c.operator_id, c.target_date, JSON.stringify(c.blockers).slice(0, 60));
const holes = d.villages.filter(v => v.coverage_state === "none");
console.log(holes.map(h => `${h.code} ${h.name} ${h.old_district_code}`).join("\n"));
for (const s of d.stations.filter(s => ["planned","permitted","building"].includes(s.status as string))) {
  const near = holes.map(h => Math.round(Math.hypot((h.lat! - s.lat) * 111, (h.lon! - s.lon) * 102))).filter(x => x < 7);
  if (near.length) console.log(s.id, s.operator_id, s.status, s.technologies, s.planned_on_air_date, near);
}
