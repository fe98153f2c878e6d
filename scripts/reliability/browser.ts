// What a real browser makes of the security headers, against a local wrangler
// dev serving the built front end (dist/web): the map, the operators' page and
// /docs run under their Content-Security-Policy without a single violation
// (basemap tiles included, answered locally in place of the tile server), no
// page may be framed, and another origin may read the API but not write to it.
//
//   npm run build && node scripts/reliability/browser.ts
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { ROOT } from "../lib/wrangler.ts";
import { Checks, type Outcome } from "./lib/check.ts";
import { runAlone, serve, type Workspace } from "./lib/scenario.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TILE_HOST = "tile.openstreetmap.org";
// A 1×1 transparent PNG.
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

type Page = { path: string; ready: string };

const PAGES: Page[] = [
  { path: "/", ready: ".leaflet-tile-loaded" },
  { path: "/operator.html", ready: "body" },
  { path: "/field.html", ready: "body" },
  { path: "/docs", ready: ".opblock" },
];

export async function browser(ws: Workspace): Promise<Outcome> {
  const checks = new Checks();
  const figures: Record<string, string | number> = {};
  checks.expect(existsSync(join(ROOT, "dist", "web", "index.html")), "dist/web is not built: run npm run build");
  checks.expect(
    existsSync(join(ROOT, "dist", "web", "_headers")),
    "dist/web/_headers is missing: the pages are served without security headers (web/public/_headers must reach the build)",
  );
  const { server } = await serve(ws, "browser");
  const chrome = await chromium.launch({
    executablePath: CHROMIUM,
    // Private Network Access would block every request from the foreign
    // page below to 127.0.0.1 before CORS is even consulted; it is switched
    // off so that CORS alone decides, as it does for a public deployment.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,LocalNetworkAccessChecks",
    ],
  });
  try {
    for (const page of PAGES) {
      const res = await fetch(`${server.base}${page.path}`);
      await res.body?.cancel();
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      checks.expect(/frame-ancestors 'none'/.test(csp), `${page.path}: no CSP forbidding frames (got "${csp}")`);
      checks.expect(res.headers.get("X-Content-Type-Options") === "nosniff", `${page.path}: no nosniff`);
      checks.expect(res.headers.has("Referrer-Policy"), `${page.path}: no Referrer-Policy`);

      const context = await chrome.newContext();
      let tiles = 0;
      await context.route("**/*", (route) => {
        const url = new URL(route.request().url());
        if (url.origin === server.base) return route.continue();
        if (url.hostname === TILE_HOST) {
          tiles++;
          return route.fulfill({ status: 200, contentType: "image/png", body: TILE });
        }
        return route.abort("internetdisconnected");
      });
      const tab = await context.newPage();
      const violations: string[] = [];
      await tab.exposeFunction("reportViolation", (v: string) => violations.push(v));
      await tab.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) =>
          (window as unknown as { reportViolation(v: string): void }).reportViolation(
            `${e.violatedDirective} ${e.blockedURI}`,
          ),
        );
      });
      const errors: string[] = [];
      tab.on("pageerror", (e) => errors.push(e.message));
      await tab.goto(`${server.base}${page.path}`, { waitUntil: "load" });
      const ready = await tab
        .waitForSelector(page.ready, { timeout: 30_000 })
        .then(() => true)
        .catch(() => false);
      checks.expect(ready, `${page.path}: ${page.ready} never appeared`);
      checks.expect(violations.length === 0, `${page.path}: CSP violations: ${violations.join("; ")}`);
      checks.expect(errors.length === 0, `${page.path}: page errors: ${errors.join("; ")}`);
      figures[`${page.path} CSP violations`] = violations.length;
      if (page.path === "/") figures["basemap tiles drawn under the CSP"] = tiles;
      await context.close();
    }

    // Another origin's page: it may read the open data, not write. No request
    // interception here: with it, Chromium leaves preflights unenforced.
    const context = await chrome.newContext();
    const tab = await context.newPage();
    await tab.goto("about:blank");
    const cors = await tab.evaluate(async (base) => {
      const attempt = async (method: string) => {
        try {
          const res = await fetch(`${base}/api/v1/stations/any`, {
            method,
            headers: { Authorization: "Bearer not-a-token", "Content-Type": "application/json" },
            body: method === "GET" ? undefined : "{}",
          });
          return `answered ${res.status}`;
        } catch {
          return "blocked";
        }
      };
      const read = await fetch(`${base}/api/v1/progress?unit=02`).then(
        (r) => `answered ${r.status}`,
        () => "blocked",
      );
      return { read, patch: await attempt("PATCH"), post: await attempt("POST"), del: await attempt("DELETE") };
    }, server.base);
    await context.close();
    checks.expect(cors.read === "answered 200", `a cross-origin read was ${cors.read}`);
    for (const [method, result] of Object.entries({ PATCH: cors.patch, POST: cors.post, DELETE: cors.del })) {
      checks.expect(result === "blocked", `a cross-origin ${method} was not blocked by the browser: ${result}`);
    }
    figures["cross-origin read / PATCH / POST / DELETE"] = `${cors.read} / ${cors.patch} / ${cors.post} / ${cors.del}`;
  } finally {
    await chrome.close();
    await server.stop();
  }
  return { name: "security headers in a browser", figures, failures: checks.failures };
}

if (import.meta.main) await runAlone(browser);
