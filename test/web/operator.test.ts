import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import "./helpers/context.ts";
import { allUncovered, api, baseUrl, ok, progressOf } from "./helpers/api.ts";
import { launch, mapReady, open, type Session, screenshot } from "./helpers/browser.ts";

const OPERATOR = "viettel";
const PROVINCE = "02";

let browser: Browser;
let session: Session;

function token(operator = OPERATOR): string {
  const made = inject("tokens")[operator];
  if (!made) throw new Error(`no ${operator} token: ${inject("tokenError") ?? "unknown reason"}`);
  return made;
}

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await session?.context.close();
  await browser?.close();
});

async function signedIn(): Promise<Page> {
  await session?.context.close();
  session = await open(browser, baseUrl());
  const { page } = session;
  await page.goto("/operator.html", { waitUntil: "domcontentloaded" });
  await page.fill("#token", token());
  await page.click("#signin-form button[type=submit]");
  await page.locator("#station-table").waitFor();
  return page;
}

async function showStation(page: Page, siteCode: string, id: string) {
  await page.fill("#filter-site", siteCode);
  await page.click("#station-filter button[type=submit]");
  await page.locator(`tr[data-station="${id}"]`).waitFor();
}

// Moves a station one step from the page and waits for the page to confirm.
async function step(page: Page, id: string, to: string) {
  const row = page.locator(`tr[data-station="${id}"]`);
  await row.locator("select").selectOption(to);
  await row.locator("button[data-save]").click();
  await page.locator(`tr[data-station="${id}"][data-status="${to}"]`).waitFor();
  await page.locator("#station-message .message-ok").waitFor();
}

const RADIUS_M = 6_371_000;
function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * RADIUS_M * Math.asin(Math.sqrt(h));
}

// A planned station of the operator within nominal reach of a village without
// signal: putting it on air must cover that village.
async function plannedStationNearAHole() {
  const config = await ok(api()["coverage-config"].$get());
  const planned = await ok(api().stations.$get({ query: { operator: OPERATOR, status: "planned", limit: "1000" } }));
  for (const village of await allUncovered()) {
    if (village.lat === null || village.lon === null) continue;
    const here = { lat: village.lat, lon: village.lon };
    for (const station of planned.data) {
      const reach = Math.max(...station.technologies.map((tech) => config.ranges_km[tech] * 1000));
      if (distanceM(here, station) <= reach) return { village, station };
    }
  }
  throw new Error(`no planned ${OPERATOR} station reaches a village without signal`);
}

describe("the operators' page", () => {
  test("refuses a wrong token with a clear message", async () => {
    await session?.context.close();
    session = await open(browser, baseUrl());
    const { page } = session;
    await page.goto("/operator.html", { waitUntil: "domcontentloaded" });
    await page.fill("#token", "ps_not-a-real-token");
    await page.click("#signin-form button[type=submit]");
    await expect.poll(() => page.locator("#signin-message [role=alert]").textContent()).toContain("không đúng");
    expect(await page.locator("#stations").isHidden()).toBe(true);
  });

  test("a status change shows up in the progress figure and on the map", async () => {
    const { village, station } = await plannedStationNearAHole();
    const before = await progressOf(PROVINCE);
    const page = await signedIn();

    const listed = await ok(api().stations.$get({ query: { operator: OPERATOR, limit: "1" } }));
    await expect
      .poll(() => page.locator("#station-count").textContent())
      .toContain(new Intl.NumberFormat("vi-VN").format(listed.total));
    expect(await page.locator("#progress-left").getAttribute("data-value")).toBe(String(before.villages_uncovered));

    await showStation(page, station.site_code, station.id);
    for (const to of ["permitted", "building", "on_air"]) await step(page, station.id, to);

    const after = await progressOf(PROVINCE);
    expect(after.villages_uncovered).toBeLessThan(before.villages_uncovered);
    await expect
      .poll(() => page.locator("#progress-left").getAttribute("data-value"))
      .toBe(String(after.villages_uncovered));
    await page.locator(`#station-message li[data-village="${village.code}"]`).waitFor();
    expect(await page.locator("#effect-delta").textContent()).toContain(
      new Intl.NumberFormat("vi-VN").format(after.villages_uncovered),
    );
    await screenshot(page, "operator");

    // The map, opened afresh, no longer draws the village as without signal.
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    const drawn = await page.evaluate(() => window.phuSong?.uncoveredCodes ?? []);
    expect(drawn).not.toContain(village.code);
    expect([...drawn].sort()).toEqual((await allUncovered()).map((v) => v.code).sort());
    await expect
      .poll(() => page.locator("#progress-left").getAttribute("data-value"))
      .toBe(String(after.villages_uncovered));
    expect(session.errors).toEqual([]);
  });

  test("a forbidden move names the allowed next states and changes nothing", async () => {
    const planned = await ok(api().stations.$get({ query: { operator: OPERATOR, status: "planned", limit: "1" } }));
    const station = planned.data[0];
    if (!station) throw new Error(`no planned ${OPERATOR} station left`);
    const page = await signedIn();
    await showStation(page, station.site_code, station.id);
    const row = page.locator(`tr[data-station="${station.id}"]`);
    await row.locator("select").selectOption("on_air");
    await row.locator("button[data-save]").click();
    const alert = page.locator("#station-message [role=alert]");
    await alert.waitFor();
    const text = (await alert.textContent()) ?? "";
    expect(text).toContain(station.site_code);
    expect(text).toContain("Đã cấp phép");
    const still = await ok(api().stations[":id"].$get({ param: { id: station.id } }));
    expect(still.status).toBe("planned");
  });

  test("a change made meanwhile by someone else is refused and reloaded", async () => {
    const onAir = await ok(api().stations.$get({ query: { operator: OPERATOR, status: "on_air", limit: "1" } }));
    const station = onAir.data[0];
    if (!station) throw new Error(`no ${OPERATOR} station on air`);
    const page = await signedIn();
    await showStation(page, station.site_code, station.id);
    const row = page.locator(`tr[data-station="${station.id}"]`);

    // The page reads the version when the user starts the change…
    const read = page.waitForResponse((r) => r.url().endsWith(`/api/v1/stations/${station.id}`));
    await row.locator("select").focus();
    await read;

    // …then a colleague puts the station into outage through the API…
    const bearer = { headers: { Authorization: `Bearer ${token()}` } };
    const current = await api().stations[":id"].$get({ param: { id: station.id } });
    const moved = await api().stations[":id"].$patch(
      {
        param: { id: station.id },
        header: { "if-match": current.headers.get("ETag") ?? "" },
        json: { status: "outage" },
      },
      bearer,
    );
    expect(moved.status).toBe(200);

    // …so the user's own change is refused, and the row shows the new state.
    await row.locator("select").selectOption("decommissioned");
    await row.locator("button[data-save]").click();
    const alert = page.locator("#station-message [role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("người khác");
    await page.locator(`tr[data-station="${station.id}"][data-status="outage"]`).waitFor();
    await screenshot(page, "operator-conflict");

    // Put the station back on air for whoever reads the demo next.
    const again = await api().stations[":id"].$get({ param: { id: station.id } });
    const restored = await api().stations[":id"].$patch(
      {
        param: { id: station.id },
        header: { "if-match": again.headers.get("ETag") ?? "" },
        json: { status: "on_air" },
      },
      bearer,
    );
    expect(restored.status).toBe(200);
  });
});
