// `npm run bench:load`: builds the national benchmark database in its own
// local D1 (.wrangler/bench, apart from the demo's .wrangler/state), through the
// same path a department uses: reference data (operators, units) as SQL, as the
// seed loads them, then villages and stations through the import API with
// scripts/import.ts, whose progress lines show as it goes.
//
// Run: npm run bench:load [-- --keep]   (--keep: reuse a loaded database)
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Papa from "papaparse";
import { generateNational, NATIONAL_STATIONS, NATIONAL_VILLAGES } from "../demo/national.ts";
import { demoStatements } from "../demo/sql.ts";
import { ROOT, runWrangler } from "../scripts/lib/wrangler.ts";
import { BENCH_DATA_DIR, BENCH_DIR, migrate, startServer } from "./lib/server.ts";

export const LOAD_REPORT = join(BENCH_DATA_DIR, "load.json");
const local = ["--local", "--persist-to", BENCH_DIR];

export type ImportRun = { rows: number; seconds: number; per_second: number; api_per_second: number | null };
export type LoadReport = { at: string; villages: ImportRun; stations: ImportRun };

async function createAdminToken(): Promise<string> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "scripts/token.ts"), "create", "--role", "admin", "--label", "benchmark", "--persist-to", BENCH_DIR],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error("could not create the benchmark's admin token");
  return out.trim().split("\n").at(-1) as string;
}

// scripts/import.ts as a user runs it; its progress lines are passed through,
// and the last one carries the rate it measured over its own requests.
export async function runImport(kind: "villages" | "stations", file: string, url: string, token: string) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, "scripts/import.ts"), kind, file, "--url", url, "--token", token], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "pipe"],
  });
  let last = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    process.stderr.write(chunk);
    const lines = chunk.split("\n").filter((l) => l.includes("rows/s"));
    if (lines.length > 0) last = lines.at(-1) as string;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`importing ${kind} failed (exit ${code})`);
  const seconds = (performance.now() - started) / 1000;
  const rate = /([\d,]+) rows\/s/.exec(last)?.[1];
  return { seconds, api_per_second: rate ? Number(rate.replaceAll(",", "")) : null };
}

async function main() {
  const { values } = parseArgs({ options: { keep: { type: "boolean", default: false } } });
  if (values.keep && existsSync(LOAD_REPORT)) {
    console.log(`The national database is loaded (${LOAD_REPORT}); leaving it as it is.`);
    return;
  }
  rmSync(BENCH_DIR, { recursive: true, force: true });
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  rmSync(LOAD_REPORT, { force: true });

  console.log(
    `Generating ${NATIONAL_VILLAGES.toLocaleString("en-US")} villages and ${NATIONAL_STATIONS.toLocaleString("en-US")} stations…`,
  );
  const data = generateNational();
  const villagesFile = join(BENCH_DATA_DIR, "villages.csv");
  const stationsFile = join(BENCH_DATA_DIR, "stations.csv");
  const unitsFile = join(BENCH_DATA_DIR, "reference.sql");
  writeFileSync(villagesFile, Papa.unparse(data.villages));
  writeFileSync(stationsFile, Papa.unparse(data.stations));
  writeFileSync(
    unitsFile,
    `${demoStatements({
      operators: data.operators,
      units: data.units,
      unit_successions: [],
      villages: [],
      stations: [],
      coverage: [],
      commitments: [],
      settings: data.settings,
    }).join("\n")}\n`,
  );

  console.log(`Preparing the local D1 in ${BENCH_DIR}…`);
  await migrate(BENCH_DIR);
  await runWrangler(["d1", "execute", "DB", ...local, "--file", unitsFile], { capture: true });
  const token = await createAdminToken();
  writeFileSync(join(BENCH_DATA_DIR, "token"), token);

  const server = await startServer(BENCH_DIR, "load");
  try {
    const villages = await runImport("villages", villagesFile, server.url, token);
    const stations = await runImport("stations", stationsFile, server.url, token);
    const run = (rows: number, r: { seconds: number; api_per_second: number | null }): ImportRun => ({
      rows,
      seconds: r.seconds,
      per_second: rows / r.seconds,
      api_per_second: r.api_per_second,
    });
    const report: LoadReport = {
      at: new Date().toISOString(),
      villages: run(data.villages.length, villages),
      stations: run(data.stations.length, stations),
    };
    writeFileSync(LOAD_REPORT, JSON.stringify(report, null, 2));
    console.log(
      `Loaded: villages ${Math.round(report.villages.per_second)}/s, stations ${Math.round(report.stations.per_second)}/s (end to end, CLI validation included).`,
    );
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await main();
