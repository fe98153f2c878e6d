import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import "./helpers/context.ts";
import { api, baseUrl, ok } from "./helpers/api.ts";
import { launch, mapReady, open, type Session, screenshot } from "./helpers/browser.ts";

let browser: Browser;
let session: Session | undefined;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await session?.context.close();
  await browser?.close();
});

describe("evidence on the map", () => {
  test("the site-suggestion layer shows what the API suggests, and only when asked", async () => {
    session = await open(browser, baseUrl());
    const { page } = session;
    await page.goto("/", { waitUntil: "domcontentloaded" });
    await mapReady(page);
    expect(await page.locator("#siting-status").isHidden()).toBe(true);

    await page.check("#f-siting");
    const expected = await ok(api().siting.suggestions.$get({ query: { unit: "02", max_sites: "20" } }));
    expect(expected.suggestions.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator("#siting-status").getAttribute("data-sites"))
      .toBe(String(expected.suggestions.length));
    const text = (await page.locator("#siting-status").textContent()) ?? "";
    expect(text).toContain(`${expected.villages_covered_by_suggestions}/${expected.villages_uncovered}`);
    await screenshot(page, "map-siting");

    await page.uncheck("#f-siting");
    expect(await page.locator("#siting-status").isHidden()).toBe(true);
    expect(session.errors).toEqual([]);
  });

  test("a village's popup says whether its coverage is verified", async () => {
    await session?.context.close();
    session = await open(browser, baseUrl());
    const { page } = session;
    const covered = await ok(api().villages.$get({ query: { unit: "02", coverage: "good", limit: "1" } }));
    const village = covered.data[0];
    if (!village) throw new Error("no covered village");
    await page.goto(`/?village=${encodeURIComponent(village.code)}`, { waitUntil: "domcontentloaded" });
    const line = page.locator(`.village-detail[data-village="${village.code}"] .detail-evidence`);
    await line.waitFor();
    const state = village.evidence.stale ? "stale" : village.evidence.state;
    expect(await line.getAttribute("data-evidence")).toBe(state);
    expect(session.errors).toEqual([]);
  });
});
