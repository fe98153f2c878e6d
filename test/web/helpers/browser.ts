import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(import.meta.dirname, "../../../artifacts/screenshots");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type Session = { context: BrowserContext; page: Page; errors: string[] };

// No network but the app's own server: the tile server and anything else
// are refused, as on a machine offline. Uncaught page errors are collected so
// a test can insist there were none.
export async function open(
  browser: Browser,
  baseUrl: string,
  options: { viewport?: { width: number; height: number }; locale?: "vi" | "en" } = {},
): Promise<Session> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: options.viewport ?? { width: 1366, height: 860 },
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    reducedMotion: "reduce",
  });
  const origin = new URL(baseUrl).origin;
  await context.route("**/*", (route) =>
    new URL(route.request().url()).origin === origin ? route.continue() : route.abort("internetdisconnected"),
  );
  if (options.locale === "en") {
    await context.addInitScript(() => localStorage.setItem("phu-song.locale", "en"));
  }
  // Under a loaded machine (the worker tests run alongside) a page may need
  // more than Playwright's default; the test's own timeout still bounds it.
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string, selector?: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  if (selector) await page.locator(selector).screenshot({ path });
  else await page.screenshot({ path });
}

declare global {
  interface Window {
    phuSong?: {
      readonly state: string | undefined;
      readonly uncoveredCodes: string[];
      readonly drawnVillages: number;
      readonly drawnStations: number;
      readonly view: { lat: number; lon: number; zoom: number };
      markerPoint(code: string): { x: number; y: number } | null;
      stationPoint(id: string): { x: number; y: number } | null;
    };
  }
}

// The map is ready when its villages are drawn for the current filters.
export async function mapReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.phuSong?.state === "ready");
}
