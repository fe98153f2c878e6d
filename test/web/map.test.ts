import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import "./helpers/context.ts";
import { allUncovered, allVillages, api, baseUrl, ok, progressOf, withoutDiacritics } from "./helpers/api.ts";
import { launch, mapReady, open, type Session, screenshot } from "./helpers/browser.ts";

const PROVINCE = "02";

let browser: Browser;
let session: Session;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function fresh(options: Parameters<typeof open>[2] = {}) {
  await session?.context.close();
  session = await open(browser, baseUrl(), options);
  return session.page;
}

const vi = (n: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat("vi-VN", options).format(n);

describe("the map", () => {
  test("loads with no network and draws exactly the villages without signal that the API reports", async () => {
    const page = await fresh();
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);

    const drawn = await page.evaluate(() => window.phuSong?.uncoveredCodes ?? []);
    const expected = (await allUncovered()).map((v) => v.code);
    expect(expected.length).toBeGreaterThan(0);
    expect([...drawn].sort()).toEqual([...expected].sort());

    const all = await ok(api().villages.$get({ query: { limit: "1" } }));
    expect(await page.evaluate(() => window.phuSong?.drawnVillages)).toBe(all.total);

    // The tile server is unreachable: one quiet notice, nothing broken.
    await expect.poll(() => page.locator("#map-notice").isVisible()).toBe(true);

    const progress = await progressOf(PROVINCE);
    await expect
      .poll(() => page.locator("#progress-left").getAttribute("data-value"))
      .toBe(String(progress.villages_uncovered));
    expect(await page.locator("#progress-pct").textContent()).toBe(
      vi((progress.coverage_pct ?? 0) / 100, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    );
    // The global setup took snapshots on two past days.
    const history = await ok(api().progress.history.$get({ query: { unit: PROVINCE } }));
    expect(history.points.length).toBeGreaterThanOrEqual(2);
    await page.locator("#progress-history .uplot canvas").waitFor();
    expect(session.errors).toEqual([]);
    await screenshot(page, "map");
    await screenshot(page, "progress-panel", "#tabs");
  });

  test("an API failure shows a designed error state, and retry recovers", async () => {
    const page = await fresh();
    // The map's villages and the table's list both fail.
    const failing = (url: URL) => /\/api\/v1\/(map\/)?villages$/.test(url.pathname);
    await page.route(failing, (route) =>
      route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: "/docs#problem-storage-unavailable",
          title: "Storage temporarily unavailable",
          status: 503,
          detail: "The database did not answer. Nothing was changed; retry shortly.",
          instance: "/api/v1/villages",
        }),
      }),
    );
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => window.phuSong?.state === "error");
    const alert = page.locator("#map-status [role=alert]");
    expect(await alert.textContent()).toContain("Không tải được dữ liệu");
    expect(await alert.textContent()).toContain("503");
    await expect.poll(() => page.locator("#remaining-body [role=alert]").count()).toBe(1);
    await screenshot(page, "api-error");

    await page.unroute(failing);
    await alert.getByRole("button").click();
    await mapReady(page);
    expect(await page.locator("#map-status").isHidden()).toBe(true);
    expect(session.errors).toEqual([]);
  });

  test("a filter redraws the map with what the API selects", async () => {
    const page = await fresh();
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);

    const uncovered = await allUncovered();
    await page.selectOption("#f-coverage", "none");
    await page.waitForFunction(
      (n) => window.phuSong?.state === "ready" && window.phuSong.drawnVillages === n,
      uncovered.length,
    );

    await page.selectOption("#f-coverage", "");
    await page.selectOption("#f-tech", "2g");
    const with2g = await ok(api().villages.$get({ query: { tech: "2g", limit: "1" } }));
    await page.waitForFunction(
      (n) => window.phuSong?.state === "ready" && window.phuSong.drawnVillages === n,
      with2g.total,
    );
    await page.click("#f-reset");

    // A pre-2025 district: the villages carry their former district's code.
    const districts = await ok(api().units.$get({ query: { parent: PROVINCE } }));
    const district = districts.data[0];
    if (!district) throw new Error("the demo province has no districts");
    await page.selectOption("#f-district", district.code);
    const inDistrict = await ok(
      api().villages.$get({
        query: { unit: district.code, as_of: district.valid_to ?? undefined, limit: "1" },
      }),
    );
    await page.waitForFunction(
      (n) => window.phuSong?.state === "ready" && window.phuSong.drawnVillages === n,
      inDistrict.total,
    );
    await expect.poll(() => page.locator("#progress-figures h3").textContent()).toBe(district.full_name);
    expect(session.errors).toEqual([]);
  });

  test("search finds a village with and without diacritics and flies to it", async () => {
    const target = (await allUncovered()).find((v) => v.name !== withoutDiacritics(v.name) && v.lat !== null);
    if (!target || target.lat === null || target.lon === null) throw new Error("no village with diacritics");

    for (const typed of [withoutDiacritics(target.name), target.name]) {
      const page = await fresh();
      await page.goto("/", { waitUntil: "domcontentloaded" });
      await mapReady(page);
      await page.fill("#search-input", typed);
      const option = page.locator(`[role=option][data-kind=village][data-code="${target.code}"]`);
      await option.waitFor();
      await option.click();
      await page.locator(`.village-detail[data-village="${target.code}"]`).waitFor();
      const view = await page.evaluate(() => window.phuSong?.view);
      expect(view?.zoom).toBeGreaterThanOrEqual(13);
      expect(Math.abs((view?.lat ?? 0) - target.lat)).toBeLessThan(0.01);
      expect(Math.abs((view?.lon ?? 0) - target.lon)).toBeLessThan(0.01);
    }

    // A commune found the same way selects it as the unit.
    const page = session.page;
    const commune = await ok(api().units[":code"].$get({ param: { code: target.commune_code }, query: {} }));
    await page.fill("#search-input", withoutDiacritics(commune.name));
    const unitOption = page.locator(
      `[role=option][data-kind=unit][data-era="${commune.era}"][data-code="${commune.code}"]`,
    );
    await unitOption.waitFor();
    await unitOption.click();
    await expect.poll(() => page.locator("#progress-figures h3").textContent()).toBe(commune.full_name);
    await expect.poll(() => page.locator("#f-commune").inputValue()).toBe(target.commune_code);
    expect(session.errors).toEqual([]);
  });

  test("clicking a village shows its explanation", async () => {
    const page = await fresh();
    // The one without signal that has a commitment, and one covered by stations.
    const uncovered = (await allUncovered()).find((v) => v.commitment !== null);
    if (!uncovered) throw new Error("no village without signal has a commitment");
    const detail = await ok(api().villages[":code"].$get({ param: { code: uncovered.code } }));
    const commitment = detail.commitment;
    if (!commitment) throw new Error("commitment missing from the detail");

    await page.goto(`/?village=${encodeURIComponent(uncovered.code)}`, { waitUntil: "domcontentloaded" });
    const popup = page.locator(`.village-detail[data-village="${uncovered.code}"]`);
    await popup.waitFor();
    const text = (await popup.textContent()) ?? "";
    expect(text).toContain(detail.name);
    expect(text).toContain("Chưa có sóng");
    const target = new Intl.DateTimeFormat("vi-VN", { dateStyle: "medium", timeZone: "UTC" }).format(
      new Date(`${commitment.target_date}T00:00:00Z`),
    );
    expect(text).toContain(target);
    if (commitment.overdue) expect(text).toContain("Quá hạn");
    await screenshot(page, "village-popup-uncovered");

    // Now a covered village, reached by clicking its point on the canvas.
    const covered = await ok(
      api().villages.$get({ query: { coverage: "good", unit: uncovered.commune_code, limit: "1" } }),
    );
    const village = covered.data[0];
    if (!village) throw new Error("no covered village next to it");
    const explained = await ok(api().villages[":code"].$get({ param: { code: village.code } }));
    await page.goto(`/?village=${encodeURIComponent(village.code)}`, { waitUntil: "domcontentloaded" });
    await page.locator(`.village-detail[data-village="${village.code}"]`).waitFor();
    await page.locator(".leaflet-popup-close-button").click();
    await page.locator(".village-detail").waitFor({ state: "detached" });
    const point = await page.evaluate((code) => window.phuSong?.markerPoint(code) ?? null, village.code);
    if (!point) throw new Error("the village is not drawn");
    await page.mouse.click(point.x, point.y);
    const shown = page.locator(`.village-detail[data-village="${village.code}"]`);
    await shown.waitFor();
    const covering = explained.explanation.covering_stations[0];
    if (!covering) throw new Error("a covered village without covering stations");
    const shownText = (await shown.textContent()) ?? "";
    expect(shownText).toContain(covering.site_code);
    expect(await shown.locator("table tbody tr").count()).toBe(explained.explanation.claims.length);
    expect(shownText).toContain("Tính từ trạm");
    await screenshot(page, "village-popup");
    expect(session.errors).toEqual([]);
  });

  test("clicking a commune shows its figures and can select it", async () => {
    const page = await fresh();
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    // With no village drawn, a click in the middle of the province lands on a commune.
    await page.selectOption("#f-coverage", "unknown");
    await page.waitForFunction(() => window.phuSong?.state === "ready" && window.phuSong.drawnVillages === 0);
    const box = await page.locator("#map").boundingBox();
    if (!box) throw new Error("the map has no box");
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const popup = page.locator(".commune-detail");
    await popup.waitFor();
    const code = (await popup.getAttribute("data-unit")) ?? "";
    const figures = await progressOf(code);
    expect(await popup.locator("h2").textContent()).toBe(figures.unit.full_name);
    expect(await popup.textContent()).toContain(
      vi((figures.coverage_pct ?? 0) / 100, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    );
    await screenshot(page, "commune-popup");
    await popup.getByRole("button").click();
    await expect.poll(() => page.locator("#f-commune").inputValue()).toBe(code);
    await expect.poll(() => page.locator("#progress-figures h3").textContent()).toBe(figures.unit.full_name);
    expect(session.errors).toEqual([]);
  });

  test("stations show by operator and status, with their nominal reach on demand", async () => {
    const page = await fresh();
    // An on-air station with a village near it but not on top of it, so that
    // opening the village brings the station into view and leaves it clickable.
    const onAir = await ok(api().stations.$get({ query: { status: "on_air", limit: "1000" } }));
    const villages = (await allVillages()).filter((v) => v.lat !== null && v.lon !== null);
    const offset = (v: (typeof villages)[number], s: (typeof onAir.data)[number]) =>
      Math.hypot((v.lat ?? 0) - s.lat, (v.lon ?? 0) - s.lon);
    let found: { station: (typeof onAir.data)[number]; village: string } | undefined;
    for (const station of onAir.data) {
      const near = villages.filter((v) => offset(v, station) < 0.012);
      if (near[0] && near.every((v) => offset(v, station) > 0.003)) {
        found = { station, village: near[0].code };
        break;
      }
    }
    if (!found) throw new Error("no on-air station stands clear of the villages");
    const { station } = found;

    await page.goto(`/?village=${encodeURIComponent(found.village)}`, { waitUntil: "domcontentloaded" });
    await page.locator(".village-detail").waitFor();
    await page.locator(".leaflet-popup-close-button").click();
    await page.check("#f-stations");
    const progress = await progressOf(PROVINCE);
    await page.waitForFunction((n) => window.phuSong?.drawnStations === n, progress.stations_total);

    const point = await page.evaluate((id) => window.phuSong?.stationPoint(id) ?? null, station.id);
    if (!point) throw new Error("the station is not drawn");
    await page.mouse.click(point.x, point.y);
    const popup = page.locator(`.station-detail[data-station="${station.id}"]`);
    await popup.waitFor();
    expect(await popup.textContent()).toContain("Đang phát sóng");
    await popup.locator("button").click();
    const config = await ok(api()["coverage-config"].$get());
    const widest = Math.max(...station.technologies.map((tech) => config.ranges_km[tech]));
    await expect.poll(() => popup.locator("[role=status]").textContent()).toContain(`${vi(widest)} km`);
    await screenshot(page, "station-reach");
    expect(session.errors).toEqual([]);
  });

  test("the table lists the villages without signal, sorts, and links the exports", async () => {
    // Tall enough for the whole list in one screenshot.
    const page = await fresh({ viewport: { width: 1366, height: 1700 } });
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    await page.click("#tab-remaining");
    const uncovered = await allUncovered();
    const rows = page.locator("#remaining-table tbody tr");
    await expect.poll(() => rows.count()).toBe(uncovered.length);

    await page.click('button[data-sort="target"]');
    const dated = uncovered
      .filter((v) => v.commitment)
      .map((v) => v.commitment?.target_date ?? "")
      .sort();
    const firstCode = await rows.first().getAttribute("data-code");
    const first = uncovered.find((v) => v.code === firstCode);
    expect(first?.commitment?.target_date).toBe(dated[0]);
    expect(await page.locator('th[aria-sort="ascending"] button[data-sort="target"]').count()).toBe(1);

    const csv = page.locator("#remaining-exports a", { hasText: "CSV" }).first();
    const href = (await csv.getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/api\/v1\/export\/villages\.csv\?/);
    expect(new URL(href, baseUrl()).searchParams.get("coverage")).toBe("none");
    const res = await fetch(new URL(href, baseUrl()));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    await page.click(".filters summary");
    await screenshot(page, "table", "#tabs");
    expect(session.errors).toEqual([]);
  });

  test("the language switch turns the page English and stays so", async () => {
    const page = await fresh();
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    expect(await page.getAttribute("html", "lang")).toBe("vi");
    await page.click("#lang-toggle");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("#tab-progress").textContent()).toBe("Progress");
    const progress = await progressOf(PROVINCE);
    await expect
      .poll(() => page.locator("#progress-left").textContent())
      .toBe(`${new Intl.NumberFormat("en-GB").format(progress.villages_uncovered)} villages still without signal`);

    await page.reload({ waitUntil: "domcontentloaded" });
    await mapReady(page);
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await expect
      .poll(() => page.locator("#progress-figures .headline-pct span").textContent())
      .toBe("of villages have mobile signal");
    await screenshot(page, "english");
    await page.click("#lang-toggle");
    expect(await page.getAttribute("html", "lang")).toBe("vi");
    expect(session.errors).toEqual([]);
  });

  test("works on a phone screen, and without any tile server configured", async () => {
    const page = await fresh({ viewport: { width: 390, height: 844 } });
    const tileRequests: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "image" && !request.url().startsWith(baseUrl())) tileRequests.push(request.url());
    });
    await page.goto("/?tiles=none", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    expect(tileRequests).toEqual([]);
    expect(await page.locator("#map-notice").isHidden()).toBe(true);
    await screenshot(page, "phone");
    expect(session.errors).toEqual([]);
  });

  test("/docs shows the API description with Swagger UI from our own assets", async () => {
    const page = await fresh();
    await page.goto("/docs", { waitUntil: "domcontentloaded" });
    await page.locator(".swagger-ui .info .title").waitFor();
    expect(await page.locator(".swagger-ui .info .title").textContent()).toContain("Phủ Sóng API");
    expect(session.errors).toEqual([]);
  });
});
