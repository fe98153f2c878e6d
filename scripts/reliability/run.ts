// Every reliability scenario against local wrangler dev servers, one seeded
// demo province shared by all (each gets its own copy):
//
//   npm run reliability          the full run: 200 readers and 50 writers for 60 s each
//   npm run reliability:quick    short durations, for CI (about two minutes)
//
// Flags override either: --load-seconds, --connections, --write-seconds,
// --writers, --rows, --kills, and --only load,concurrency,faults,backup,browser.
// Prints each scenario's figures, writes them to artifacts/reliability.json,
// and exits non-zero if any check failed. Needs the built front end
// (npm run build) for the browser scenario.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "../lib/wrangler.ts";
import { backupRoundtrip } from "./backup-roundtrip.ts";
import { browser } from "./browser.ts";
import { concurrency } from "./concurrency.ts";
import { faults } from "./faults.ts";
import { type Outcome, printOutcome } from "./lib/check.ts";
import { createWorkspace, removeWorkspace, type Workspace } from "./lib/scenario.ts";
import { load } from "./load.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    "load-seconds": { type: "string" },
    connections: { type: "string" },
    "write-seconds": { type: "string" },
    writers: { type: "string" },
    rows: { type: "string" },
    kills: { type: "string" },
    only: { type: "string" },
  },
});

const defaults = values.quick
  ? { loadSeconds: 10, connections: 200, writeSeconds: 10, writers: 50, rows: 5000, kills: 2 }
  : { loadSeconds: 60, connections: 200, writeSeconds: 60, writers: 50, rows: 20000, kills: 3 };
const number = (flag: string | undefined, fallback: number) => (flag === undefined ? fallback : Number(flag));
const settings = {
  loadSeconds: number(values["load-seconds"], defaults.loadSeconds),
  connections: number(values.connections, defaults.connections),
  writeSeconds: number(values["write-seconds"], defaults.writeSeconds),
  writers: number(values.writers, defaults.writers),
  rows: number(values.rows, defaults.rows),
  kills: number(values.kills, defaults.kills),
};

// The backup runs first, on the untouched template.
const SCENARIOS: Record<string, (ws: Workspace) => Promise<Outcome>> = {
  backup: backupRoundtrip,
  browser,
  load: (ws) => load(ws, { seconds: settings.loadSeconds, connections: settings.connections }),
  concurrency: (ws) => concurrency(ws, { seconds: settings.writeSeconds, writers: settings.writers }),
  faults: (ws) => faults(ws, { rows: settings.rows, kills: settings.kills }),
};

const chosen = values.only ? values.only.split(",").map((s) => s.trim()) : Object.keys(SCENARIOS);
const unknown = chosen.filter((s) => !(s in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(", ")}; the scenarios are ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}

const started = performance.now();
const ws = await createWorkspace();
const outcomes: Array<Outcome & { seconds: number }> = [];
for (const name of chosen) {
  const begun = performance.now();
  let outcome: Outcome;
  try {
    outcome = await (SCENARIOS[name] as (ws: Workspace) => Promise<Outcome>)(ws);
  } catch (err) {
    outcome = { name, figures: {}, failures: [`crashed: ${(err as Error).stack ?? err}`] };
  }
  printOutcome(outcome);
  outcomes.push({ ...outcome, seconds: Math.round((performance.now() - begun) / 1000) });
}

const failed = outcomes.filter((o) => o.failures.length > 0);
const total = Math.round((performance.now() - started) / 1000);
mkdirSync(join(ROOT, "artifacts"), { recursive: true });
writeFileSync(
  join(ROOT, "artifacts", "reliability.json"),
  JSON.stringify(
    { at: new Date().toISOString(), argv: process.argv.slice(2), settings, seconds: total, outcomes },
    null,
    2,
  ),
);
console.log(`\n${outcomes.length - failed.length} of ${outcomes.length} reliability scenarios passed in ${total} s.`);
if (failed.length === 0) removeWorkspace(ws);
else console.log(`State and server logs kept in ${ws.dir}`);
process.exit(failed.length === 0 ? 0 : 1);
