import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// wrangler's own entry point, run with this Node: node_modules/.bin/wrangler
// would pick whatever `node` is first on PATH (and is a .cmd on Windows), and
// npx may stop to ask before installing.
const manifest = createRequire(import.meta.url).resolve("wrangler/package.json", { paths: [ROOT] });
const entry = (JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> }).bin.wrangler;
if (!entry) throw new Error("wrangler's package.json names no wrangler binary");
export const WRANGLER_JS = join(dirname(manifest), entry);

export type RunOptions = {
  // Collect stdout instead of showing it.
  capture?: boolean;
  env?: NodeJS.ProcessEnv;
};

export type RunResult = { stdout: string };

// CI=1 keeps wrangler from asking questions (e.g. before applying migrations)
// and from opening a browser; a prompt nobody answers would hang the start.
const QUIET_ENV = { CI: "1", WRANGLER_SEND_METRICS: "false" };

export function runWrangler(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_ENV, ...options.env },
    stdio: ["ignore", options.capture ? "pipe" : "inherit", options.capture ? "pipe" : "inherit"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve({ stdout });
      else {
        const detail = options.capture ? `\n${stderr || stdout}` : "";
        reject(new Error(`wrangler ${args.join(" ")} failed (${signal ?? `exit ${code}`})${detail}`));
      }
    });
  });
}

// A long-running wrangler (dev) sharing this terminal. Ctrl-C reaches it
// directly through the terminal's process group; SIGTERM sent only to this
// process is passed on, so the child never outlives its parent.
export function spawnWrangler(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...env },
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return child;
}
