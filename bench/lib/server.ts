import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT, runWrangler, WRANGLER_JS } from "../../scripts/lib/wrangler.ts";

export const BENCH_DIR = join(ROOT, ".wrangler", "bench");
export const BENCH_DATA_DIR = join(ROOT, ".wrangler", "bench-data");

export type Server = { url: string; stop(): Promise<void> };

const CONFIG = join(BENCH_DATA_DIR, "wrangler.toml");

// Servers still running when the benchmark ends or is interrupted are stopped
// with it, workerd included.
const live = new Set<ChildProcess>();
const stopAll = () => {
  for (const child of live) if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
};
process.on("exit", stopAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}
let bundled: Promise<void> | undefined;

// A database loaded by an earlier version of the code is brought up to the
// current schema before it is served, as a deployment would be.
export async function migrate(persistTo: string): Promise<void> {
  await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo], { capture: true });
}

// The worker as `wrangler deploy` would bundle it, served from a copy of
// wrangler.toml and of the built front end: `wrangler dev` on the sources
// restarts the worker whenever anyone edits a file or rebuilds dist/web, in
// the middle of a measurement, and every figure of one run must come from the
// same code.
function bundle(): Promise<void> {
  bundled ??= (async () => {
    mkdirSync(BENCH_DATA_DIR, { recursive: true });
    await runWrangler(["deploy", "--dry-run", "--outdir", join(BENCH_DATA_DIR, "worker")], { capture: true });
    const config = readFileSync(join(ROOT, "wrangler.toml"), "utf8")
      .replace(/^main = .*$/m, 'main = "worker/index.js"\nno_bundle = true')
      .replace(/^migrations_dir = "(.*)"$/m, (_, dir: string) => `migrations_dir = ${JSON.stringify(join(ROOT, dir))}`)
      .replace(/^directory = "(.*)"$/m, 'directory = "web"');
    writeFileSync(CONFIG, config);
  })();
  return bundled;
}

// Other people's servers share this machine: a port the system just handed out
// is free, where a fixed one may already answer with someone else's data.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

// `wrangler dev` on its own local state, as `npm start` serves the app, with
// its output in a log file: the benchmark's own lines are what the terminal
// shows. Its own process group, so stopping it also stops workerd.
export async function startServer(persistTo: string, logName: string): Promise<Server> {
  await bundle();
  const web = join(BENCH_DATA_DIR, "web");
  rmSync(web, { recursive: true, force: true });
  // The API needs no front end; the map section builds one first.
  if (existsSync(join(ROOT, "dist", "web"))) cpSync(join(ROOT, "dist", "web"), web, { recursive: true });
  else mkdirSync(web);
  const port = await freePort();
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  const log = createWriteStream(join(BENCH_DATA_DIR, `${logName}.log`));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      WRANGLER_JS,
      "dev",
      ...["--config", CONFIG],
      ...["--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo],
      // Lets the benchmark ask for each request's D1 figures (X-D1-Stats).
      ...["--var", "D1_STATS:1"],
    ],
    {
      cwd: ROOT,
      env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const group = child.pid;
    if (group === undefined) return;
    const alive = () => {
      try {
        process.kill(-group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(-group, "SIGTERM");
    // workerd outlives wrangler by a moment; the database file is only free
    // once the whole group is gone.
    for (let waited = 0; alive() && waited < 10_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (alive()) process.kill(-group, "SIGKILL");
    await exited;
  };
  live.add(child);
  child.on("exit", () => live.delete(child));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited early; see ${join(BENCH_DATA_DIR, `${logName}.log`)}`);
    try {
      const res = await fetch(`${url}/api/v1/units`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s; see ${join(BENCH_DATA_DIR, `${logName}.log`)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
