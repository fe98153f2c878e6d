import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { type Unstable_DevWorker, unstable_dev } from "wrangler";
import { ROOT } from "../../scripts/lib/wrangler.ts";
import { seed } from "../../scripts/seed.ts";
import "./helpers/context.ts";
import { CHROMIUM } from "./helpers/browser.ts";

const TOKEN_OPERATORS = ["viettel"];

// The suite builds the front end into its own directory and serves that: a
// build someone runs meanwhile (emptying dist/web) cannot pull files from
// under the pages being tested, and edits to web/ never go untested.
async function buildInto(outDir: string) {
  await build({
    configFile: join(ROOT, "web/vite.config.ts"),
    logLevel: "warn",
    build: { outDir, emptyOutDir: true },
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

const DAY_MS = 86_400_000;

// Runs the worker's daily cron as of some days back, through the trigger that
// wrangler dev (miniflare) offers for scheduled handlers: real snapshots,
// taken by the real code, so the history chart has a line to draw.
async function snapshotDaysAgo(base: string, daysAgo: number): Promise<void> {
  const res = await fetch(`${base}/cdn-cgi/local/scheduled?time=${Date.now() - daysAgo * DAY_MS}`);
  if (!res.ok) throw new Error(`the scheduled trigger answered ${res.status}: ${await res.text()}`);
}

export default async function setup(project: TestProject) {
  // A missing browser is a failure with a way out, never a silent skip.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the page tests need it. Install it (Debian: apt-get install -y chromium, or node scripts/ensure-chromium.ts) or set CHROMIUM_PATH.`,
    );
  }
  const temp = mkdtempSync(join(tmpdir(), "phu-song-web-"));
  const persistTo = join(temp, "state");
  const assets = join(temp, "web");
  let server: Unstable_DevWorker | undefined;
  const teardown = async () => {
    await server?.stop();
    rmSync(temp, { recursive: true, force: true });
  };

  try {
    await Promise.all([buildInto(assets), seed({ persistTo, log: () => undefined })]);
    const { tokens, error } = await createTokens(persistTo);
    // wrangler dev's programmatic form, without watching: the server runs the
    // worker as it was when the suite started, whatever is edited meanwhile,
    // with the pages just built.
    server = await unstable_dev(join(ROOT, "worker/index.ts"), {
      config: join(ROOT, "wrangler.toml"),
      assets,
      persistTo,
      ip: "127.0.0.1",
      port: 0,
      logLevel: "warn",
      experimental: { watch: false, disableExperimentalWarning: true, showInteractiveDevSession: false },
    });
    const base = `http://127.0.0.1:${server.port}`;
    await snapshotDaysAgo(base, 2);
    await snapshotDaysAgo(base, 1);
    project.provide("baseUrl", base);
    project.provide("tokens", tokens);
    project.provide("tokenError", error);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
