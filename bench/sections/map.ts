import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ROOT } from "../../scripts/lib/wrangler.ts";
import { seed } from "../../scripts/seed.ts";
import { BENCH_DATA_DIR, BENCH_DIR, startServer } from "../lib/server.ts";
import { int, ms, type Summary, summarize, table } from "../lib/stats.ts";
import type { Section } from "./section.ts";

export const DEMO_DIR = join(BENCH_DATA_DIR, "demo");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function build(log: (line: string) => void): Promise<void> {
  log("  building the front end (npm run build)…");
  const child = spawn(
    process.execPath,
    [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts"],
    {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return new Promise((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`the build failed (exit ${code})`)))),
  );
}

type MapRun = { drawn_ms: number; interactive_ms: number; villages: number };

// From navigation to the villages being drawn (the page's test hook,
// window.phuSong, reports "ready" with the count drawn), then to the first two
// animation frames in a row that come within 50 ms: the page answers input.
async function measure(url: string, runs: number): Promise<MapRun[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const out: MapRun[] = [];
  try {
    for (let i = 0; i < runs + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, reducedMotion: "reduce" });
      const origin = new URL(url).origin;
      await context.route("**/*", (route) =>
        new URL(route.request().url()).origin === origin ? route.continue() : route.abort("internetdisconnected"),
      );
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(url, { waitUntil: "commit" });
      await page.waitForFunction(
        () => {
          const w = window as unknown as { phuSong?: { state?: string; drawnVillages: number } };
          return w.phuSong?.state === "ready" && w.phuSong.drawnVillages > 0;
        },
        undefined,
        { timeout: 300_000, polling: 50 },
      );
      const drawn = Date.now() - started;
      await page.evaluate(
        () =>
          new Promise<void>((resolve) => {
            let last = performance.now();
            let smooth = 0;
            const frame = (now: number) => {
              smooth = now - last < 50 ? smooth + 1 : 0;
              last = now;
              if (smooth >= 2) resolve();
              else requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
          }),
      );
      const interactive = Date.now() - started;
      const villages = await page.evaluate(
        () => (window as unknown as { phuSong: { drawnVillages: number } }).phuSong.drawnVillages,
      );
      await context.close();
      // The first load warms the server's caches and is not counted.
      if (i > 0) out.push({ drawn_ms: drawn, interactive_ms: interactive, villages });
    }
  } finally {
    await browser.close();
  }
  return out;
}

export type MapResult = Record<string, { drawn: Summary; interactive: Summary; villages: number }>;

export const mapSection: Section = async ({ runs, log }) => {
  if (!existsSync(CHROMIUM)) {
    log(`  no Chromium at ${CHROMIUM}: skipped (apt-get install chromium, or set CHROMIUM_PATH)`);
    return { skipped: "no chromium" };
  }
  await build(log);
  await seed({ persistTo: DEMO_DIR, log: (line) => log(`  ${line}`) });
  const n = Math.max(3, Math.min(runs, 5));
  const result: MapResult = {};
  for (const [name, dir, path] of [
    ["demo province (02)", DEMO_DIR, "/?tiles=none"],
    ["country, 100,000 villages (00)", BENCH_DIR, "/?unit=00&tiles=none"],
  ] as const) {
    const server = await startServer(dir, "map");
    try {
      log(`  ${name}: ${n} loads in headless Chromium…`);
      const samples = await measure(server.url + path, n);
      result[name] = {
        drawn: summarize(samples.map((s) => s.drawn_ms)),
        interactive: summarize(samples.map((s) => s.interactive_ms)),
        villages: samples[0]?.villages ?? 0,
      };
    } finally {
      await server.stop();
    }
  }
  log("");
  log(
    table(
      ["map in headless Chromium", "villages", "drawn med", "drawn p95", "interactive med", "interactive p95"],
      Object.entries(result).map(([name, r]) => [
        name,
        int(r.villages),
        ms(r.drawn.median),
        ms(r.drawn.p95),
        ms(r.interactive.median),
        ms(r.interactive.p95),
      ]),
    ),
  );
  return result;
};
