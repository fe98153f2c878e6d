// `npm start`: builds the web front end, prepares the local database with the
// demo province on first run, and serves everything with `wrangler dev`.
//
// Run: node scripts/start.ts   (PORT=8787 by default)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, spawnWrangler } from "./lib/wrangler.ts";
import { seed } from "./seed.ts";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

function hasBuildScript(): boolean {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  return Boolean(pkg.scripts?.build);
}

// Under `npm start` npm names its own CLI in npm_execpath; run that with this
// Node rather than whichever npm is first on PATH.
function npmRun(script: string): Promise<void> {
  const npmCli = process.env.npm_execpath;
  const child = npmCli?.endsWith(".js")
    ? spawn(process.execPath, [npmCli, "run", script], { cwd: ROOT, stdio: "inherit" })
    : spawn("npm", ["run", script], { cwd: ROOT, stdio: "inherit", shell: process.platform === "win32" });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`npm run ${script} failed (exit ${code})`)),
    );
  });
}

// wrangler owns the terminal, so readiness is learnt by asking the server
// rather than by reading its output.
async function announceWhenReady(base: string, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    try {
      await fetch(`${base}/api/v1/progress?unit=02`, { signal: AbortSignal.timeout(2000) });
      console.log(`\nPhủ Sóng is running: map at ${base}/ , API at ${base}/api/v1/progress?unit=02\n`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

try {
  if (hasBuildScript()) await npmRun("build");
  await seed();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const dev = spawnWrangler(["dev", "--port", String(port)]);
let exited = false;
dev.on("exit", (code, signal) => {
  exited = true;
  process.exit(code ?? (signal ? 1 : 0));
});
void announceWhenReady(`http://localhost:${port}`, () => exited);
