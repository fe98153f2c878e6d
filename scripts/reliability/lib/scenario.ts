// The ground every reliability scenario stands on: a work directory with a
// seeded template state (demo province and tokens), copied per scenario and
// served by its own wrangler dev.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Outcome, printOutcome } from "./check.ts";
import { type Server, startServer } from "./server.ts";
import { cloneState, prepareState, type Tokens } from "./state.ts";

export type Workspace = { dir: string; template: string; tokens: Tokens; log: (line: string) => void };

export async function createWorkspace(log: (line: string) => void = console.log): Promise<Workspace> {
  const dir = mkdtempSync(join(tmpdir(), "phu-song-reliability-"));
  const template = join(dir, "template");
  mkdirSync(template);
  const started = performance.now();
  const tokens = await prepareState(template, () => {});
  log(`prepared the demo province in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`);
  return { dir, template, tokens, log };
}

export function removeWorkspace(ws: Workspace): void {
  rmSync(ws.dir, { recursive: true, force: true });
}

export type Served = { server: Server; state: string; logFile: string };

export async function serve(ws: Workspace, name: string): Promise<Served> {
  const state = join(ws.dir, name);
  cloneState(ws.template, state);
  const logFile = join(ws.dir, `${name}.log`);
  return { server: await startServer({ persistTo: state, log: logFile }), state, logFile };
}

// A scenario run on its own (node scripts/reliability/<name>.ts): its own
// workspace, removed afterwards unless something failed.
export async function runAlone(run: (ws: Workspace) => Promise<Outcome>): Promise<never> {
  const ws = await createWorkspace();
  let outcome: Outcome;
  try {
    outcome = await run(ws);
  } catch (err) {
    outcome = { name: "scenario", figures: {}, failures: [`crashed: ${(err as Error).stack ?? err}`] };
  }
  printOutcome(outcome);
  if (outcome.failures.length === 0) removeWorkspace(ws);
  else console.log(`   state and server logs kept in ${ws.dir}`);
  process.exit(outcome.failures.length === 0 ? 0 : 1);
}
