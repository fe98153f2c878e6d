import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Papa from "papaparse";
import { villageName } from "../../demo/names.ts";
import { generateNational } from "../../demo/national.ts";
import { rng } from "../../demo/random.ts";
import { BENCH_DATA_DIR, startServer } from "../lib/server.ts";
import { int, table } from "../lib/stats.ts";
import type { LoadReport } from "../load.ts";
import { runImport } from "../load.ts";
import type { Section } from "./section.ts";
import { adminToken, SCRATCH_DIR, scratchCopy } from "./writes.ts";

const NEW_VILLAGES = 10_000;

// Villages a department adds to a loaded country: new hamlets a few hundred
// metres from existing ones, in the same communes, so each is computed against
// the stations already on air.
function newVillages(): string {
  const r = rng(0x0b_e7c4, "new villages");
  const existing = generateNational().villages;
  const rows = Array.from({ length: NEW_VILLAGES }, (_, i) => {
    const near = existing[r.int(0, existing.length - 1)] as (typeof existing)[number];
    return {
      code: `${near.commune_code}-N${String(i + 1).padStart(5, "0")}`,
      name: `${villageName(r)} Mới`,
      commune_code: near.commune_code,
      old_commune_code: near.old_commune_code,
      lat: Math.round((near.lat + r.between(-0.004, 0.004)) * 1e6) / 1e6,
      lon: Math.round((near.lon + r.between(-0.004, 0.004)) * 1e6) / 1e6,
      households: r.int(30, 200),
      population: r.int(120, 900),
    };
  }).sort((a, b) => a.code.localeCompare(b.code));
  const file = join(BENCH_DATA_DIR, "new-villages.csv");
  writeFileSync(file, Papa.unparse(rows));
  return file;
}

export type ImportResult = {
  into_loaded: { rows: number; seconds: number; api_per_second: number | null };
  initial_load: LoadReport;
};

export const importSection: Section = async ({ load, log }): Promise<ImportResult> => {
  const file = newVillages();
  scratchCopy();
  const server = await startServer(SCRATCH_DIR, "import");
  try {
    log(`  importing ${int(NEW_VILLAGES)} new villages into the loaded country (npm run import)…`);
    const run = await runImport("villages", file, server.url, adminToken());
    const result: ImportResult = {
      into_loaded: { rows: NEW_VILLAGES, seconds: run.seconds, api_per_second: run.api_per_second },
      initial_load: load,
    };
    log("");
    log(
      table(
        ["bulk import through the API", "rows", "rows/s (API)", "rows/s (end to end)"],
        [
          [
            "villages into an empty country (bench:load)",
            int(load.villages.rows),
            int(load.villages.api_per_second ?? Number.NaN),
            int(load.villages.per_second),
          ],
          [
            "stations onto them (bench:load)",
            int(load.stations.rows),
            int(load.stations.api_per_second ?? Number.NaN),
            int(load.stations.per_second),
          ],
          [
            "new villages into the loaded country",
            int(NEW_VILLAGES),
            int(run.api_per_second ?? Number.NaN),
            int(NEW_VILLAGES / run.seconds),
          ],
        ],
      ),
    );
    return result;
  } finally {
    await server.stop();
  }
};
