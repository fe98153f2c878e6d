import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { ROOT, WRANGLER_JS } from "../../scripts/lib/wrangler.ts";
import { seed } from "../../scripts/seed.ts";
import "./helpers/context.ts";
import { CHROMIUM } from "./helpers/browser.ts";

const READY_TIMEOUT_MS = 60_000;
const TOKEN_OPERATORS = ["viettel"];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

// `npm test` builds first; running the web project alone after editing web/
// must not test a stale bundle, so a build older than its sources is redone.
async function ensureBuild() {
  const built = join(ROOT, "dist/web/index.html");
  const sources = Math.max(newestMtime(join(ROOT, "web")), newestMtime(join(ROOT, "data/hagiang/geo")));
  if (existsSync(built) && statSync(built).mtimeMs >= sources && existsSync(join(ROOT, "dist/web/docs.js"))) return;
  await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "warn" });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function run(args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(" ")}: exit ${code}\n${out}`)),
    );
  });
}

// Issue 3's command prints the new token alone on its last line.
async function createTokens(persistTo: string): Promise<{ tokens: Record<string, string>; error: string | null }> {
  const script = join(ROOT, "scripts/token.ts");
  if (!existsSync(script)) {
    return { tokens: {}, error: "scripts/token.ts does not exist yet (issue 3: `npm run token -- create …`)" };
  }
  const tokens: Record<string, string> = {};
  try {
    for (const operator of TOKEN_OPERATORS) {
      const out = await run([
        script,
        "create",
        "--role",
        "operator",
        "--operator",
        operator,
        "--label",
        `e2e ${operator}`,
        "--persist-to",
        persistTo,
      ]);
      const last = out.trim().split("\n").at(-1)?.trim() ?? "";
      if (!last || /\s/.test(last)) throw new Error(`no token on the last line of:\n${out}`);
      tokens[operator] = last;
    }
    return { tokens, error: null };
  } catch (error) {
    return { tokens, error: error instanceof Error ? error.message : String(error) };
  }
}

async function waitUntilServing(base: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(`${base}/api/v1/progress?unit=02`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  // A missing browser is a failure with a way out, never a silent skip.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the page tests need it. Install it (Debian: apt-get install -y chromium, or node scripts/ensure-chromium.ts) or set CHROMIUM_PATH.`,
    );
  }
  const persistTo = mkdtempSync(join(tmpdir(), "phu-song-web-"));
  let server: ChildProcess | undefined;
  const teardown = async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      // wrangler runs workerd as a child: stop the whole group it leads.
      process.kill(-server.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
    }
    rmSync(persistTo, { recursive: true, force: true });
  };

  try {
    await Promise.all([ensureBuild(), seed({ persistTo, log: () => undefined })]);
    const { tokens, error } = await createTokens(persistTo);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let log = "";
    server = spawn(
      process.execPath,
      [WRANGLER_JS, "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistTo],
      {
        cwd: ROOT,
        env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    const keep = (chunk: string) => {
      log = (log + chunk).slice(-20_000);
    };
    server.stdout?.setEncoding("utf8").on("data", keep);
    server.stderr?.setEncoding("utf8").on("data", keep);
    await waitUntilServing(base, server, () => log);
    project.provide("baseUrl", base);
    project.provide("tokens", tokens);
    project.provide("tokenError", error);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
