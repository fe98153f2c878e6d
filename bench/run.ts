// `npm run bench`: the national benchmark (docs/performance.md). Serves the
// database that `npm run bench:load` built with `wrangler dev` (workerd and
// local D1, as `npm start` serves the demo), and prints for each figure the
// median and p95 over repeated runs, with the ratios the targets are set in.
//
// Run: npm run bench [-- --runs 30] [-- --only reads,spatial,writes,postgis,import,map,size]

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DATA_DIR, BENCH_DIR, migrate } from "./lib/server.ts";
import { LOAD_REPORT, type LoadReport } from "./load.ts";
import { importSection } from "./sections/import.ts";
import { mapSection } from "./sections/map.ts";
import { postgisSection } from "./sections/postgis.ts";
import { readsSection } from "./sections/reads.ts";
import type { Section } from "./sections/section.ts";
import { sizeSection } from "./sections/size.ts";
import { spatialSection } from "./sections/spatial.ts";
import { writesSection } from "./sections/writes.ts";
import { type Results, targetsTable } from "./targets.ts";

const SECTIONS: Record<string, Section> = {
  reads: readsSection,
  spatial: spatialSection,
  writes: writesSection,
  postgis: postgisSection,
  import: importSection,
  map: mapSection,
  size: sizeSection,
};

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "30" },
    only: { type: "string", default: Object.keys(SECTIONS).join(",") },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3) throw new Error("--runs must be a whole number of at least 3");
const only = (values.only ?? "").split(",").filter(Boolean);
for (const name of only)
  if (!SECTIONS[name]) throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(", ")}`);

if (!existsSync(LOAD_REPORT)) {
  console.error(`The national database is not loaded yet: run \`npm run bench:load\` first (it builds ${BENCH_DIR}).`);
  process.exit(1);
}
const load = JSON.parse(readFileSync(LOAD_REPORT, "utf8")) as LoadReport;
await migrate(BENCH_DIR);

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? "?",
  node: process.version,
  load_before: loadavg(),
};
console.log(
  `Phủ Sóng benchmark · ${machine.cpus} × ${machine.cpu} · Node ${machine.node} · load average ${machine.load_before.map((l) => l.toFixed(2)).join(" ")}`,
);
if ((machine.load_before[0] ?? 0) > machine.cpus) {
  console.log("  (the machine is busy with other work: latencies will read high)");
}

// Sections not run this time keep their last figures, so that `--only` runs
// add up to one report.
const out = join(BENCH_DATA_DIR, "results.json");
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>) : {};
const results: Record<string, unknown> = { ...previous, machine, load };
const measuredAt = { ...(previous.measured_at as Record<string, string> | undefined) };
for (const name of only) {
  console.log(`\n== ${name}`);
  const section = SECTIONS[name] as Section;
  try {
    results[name] = await section({ runs, load, log: (line) => console.log(line) });
    measuredAt[name] = new Date().toISOString();
  } catch (err) {
    console.log(`  ${name} failed: ${(err as Error).stack ?? err}`);
    results[name] = { error: String(err) };
  }
}
results.measured_at = measuredAt;
results.load_after = loadavg();
writeFileSync(out, JSON.stringify(results, null, 2));
console.log("\n== targets (issue 5), from the latest run of each section");
console.log(targetsTable(results as Results));
console.log(`\nAll figures: ${out}`);
process.exit(0);
