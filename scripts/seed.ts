// Prepares the local D1 database that `wrangler dev` uses: applies the
// migrations, then loads the demo province once. Later runs find the marker
// row and leave the data, including anyone's edits, alone.
//
// Run: node scripts/seed.ts [--persist-to DIR]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateDemo } from "../demo/generate.ts";
import { DEMO_SEED_MARKER, demoStatements } from "../demo/sql.ts";
import { ROOT, runWrangler } from "./lib/wrangler.ts";

export type SeedOptions = {
  // Where wrangler keeps local state; its default is .wrangler/state.
  persistTo?: string;
  log?: (line: string) => void;
};

export type SeedResult = { seeded: boolean; ms: number };

export async function seed(options: SeedOptions = {}): Promise<SeedResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const started = performance.now();
  const local = ["--local", ...(options.persistTo ? ["--persist-to", options.persistTo] : [])];

  await runWrangler(["d1", "migrations", "apply", "DB", ...local]);

  const query = `SELECT count(*) AS n FROM settings WHERE key = '${DEMO_SEED_MARKER}'`;
  const { stdout } = await runWrangler(["d1", "execute", "DB", ...local, "--json", "--command", query], {
    capture: true,
  });
  if (markerCount(stdout) > 0) {
    log("Demo data already loaded; leaving the local database as it is.");
    return { seeded: false, ms: performance.now() - started };
  }

  const data = generateDemo();
  log(`Loading the demo province (${data.villages.length} villages, ${data.stations.length} stations)…`);
  const dir = join(ROOT, ".wrangler");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "demo-seed.sql");
  writeFileSync(file, `${demoStatements(data).join("\n")}\n`);
  await runWrangler(["d1", "execute", "DB", ...local, "--file", file], { capture: true });
  const ms = performance.now() - started;
  log(`Demo data loaded in ${(ms / 1000).toFixed(1)} s.`);
  return { seeded: true, ms };
}

// `wrangler d1 execute --json` prints an array with one result set per statement.
function markerCount(stdout: string): number {
  const parsed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ results?: Array<{ n?: number }> }>;
  return parsed[0]?.results?.[0]?.n ?? 0;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" } } });
  await seed({ persistTo: values["persist-to"] });
}
