import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import "./helpers/context.ts";
import type { QueueItem } from "../../web/src/field/store.ts";
import { allVillages, api, baseUrl, ok, withoutDiacritics } from "./helpers/api.ts";
import { launch, open, type Session, screenshot } from "./helpers/browser.ts";

declare global {
  interface Window {
    phuSongField?: {
      readonly ready: boolean;
      readonly villages: number;
      queue(): Promise<QueueItem[]>;
    };
  }
}

let browser: Browser;
let session: Session | undefined;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await session?.context.close();
  await browser?.close();
});

const queue = (page: Page) => page.evaluate(() => window.phuSongField?.queue() ?? Promise.resolve([]));

async function fieldReady(page: Page) {
  await page.waitForFunction(() => window.phuSongField?.ready === true);
}

// A located village of the province whose name, typed without diacritics,
// finds few enough villages for the page's short list to show it.
async function target() {
  const villages = await allVillages();
  const names = villages.map((v) => withoutDiacritics(v.name));
  for (const v of villages) {
    if (v.lat === null || v.lon === null || v.old_province_code !== "02") continue;
    const typed = withoutDiacritics(v.name);
    if (names.filter((n) => n.includes(typed)).length <= 3) {
      return { code: v.code, name: v.name, lat: v.lat, lon: v.lon };
    }
  }
  throw new Error("no located village with a distinctive name");
}

async function notesAt(code: string, marker: string): Promise<string[]> {
  const list = await ok(api().villages[":code"].measurements.$get({ param: { code }, query: { limit: "1000" } }));
  return list.data.map((m) => m.device_note ?? "").filter((note) => note.startsWith(marker));
}

async function record(page: Page, options: { level: "good" | "weak" | "none"; note: string }) {
  const before = (await queue(page)).length;
  await page.selectOption("#operator", "viettel");
  await page.selectOption("#tech", "4g");
  await page.check(`input[name="level"][value="${options.level}"]`);
  await page.fill("#note", options.note);
  await page.click("#save");
  await page.locator("#save-message .message-ok").waitFor();
  expect(await queue(page)).toHaveLength(before + 1);
}

describe("the field page", () => {
  test("records readings offline, keeps them through a reload, and sends each exactly once over a failing network", async () => {
    const village = await target();
    session = await open(browser, baseUrl());
    const { context, page } = session;
    await context.grantPermissions(["geolocation"], { origin: baseUrl() });
    await context.setGeolocation({ latitude: village.lat + 0.0009, longitude: village.lon, accuracy: 15 });

    // Online once: the page, its assets and the province's villages are kept.
    await page.goto("/field.html", { waitUntil: "domcontentloaded" });
    await fieldReady(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 30_000 });
    const villagesKept = await page.evaluate(() => window.phuSongField?.villages ?? 0);
    const all = await ok(api().villages.$get({ query: { unit: "02", limit: "1" } }));
    expect(villagesKept).toBe(all.total);
    const cached = await page.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names[0] ?? "");
      const page = await cache.match("/field");
      const html = (await page?.text()) ?? "";
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
      const missing = [];
      for (const asset of assets) if (!(await cache.match(asset))) missing.push(asset);
      return { page: Boolean(page), assets: assets.length, missing };
    });
    expect(cached).toMatchObject({ page: true, missing: [] });
    expect(cached.assets).toBeGreaterThan(0);

    // Offline: three readings, by GPS, by picking a village typed without
    // diacritics, and by typed coordinates.
    await context.setOffline(true);
    await expect.poll(() => page.locator("#net-status").getAttribute("data-online")).toBe("false");
    const marker = `e2e-field-${Date.now()}`;

    await page.click("#use-gps");
    await expect.poll(() => page.locator("#place-note").textContent()).toContain(village.name);
    await record(page, { level: "none", note: `${marker}-gps` });

    await page.fill("#village-search", withoutDiacritics(village.name));
    await page.click(`#village-results button[data-village="${village.code}"]`);
    await record(page, { level: "weak", note: `${marker}-village` });

    await page.fill("#lat", String(village.lat - 0.0005));
    await page.fill("#lon", String(village.lon));
    await page.locator("#lon").dispatchEvent("change");
    await record(page, { level: "good", note: `${marker}-typed` });

    const captured = await queue(page);
    expect(captured.map((i) => i.state)).toEqual(["pending", "pending", "pending"]);
    expect(new Set(captured.map((i) => i.key)).size).toBe(3);
    expect(await page.locator("#queue-list li[data-state=pending]").count()).toBe(3);
    await screenshot(page, "field-offline-queue");

    // Closed and opened again with no network: the page comes from the
    // device, and so does every reading.
    await page.reload({ waitUntil: "domcontentloaded" });
    await fieldReady(page);
    expect((await queue(page)).map((i) => i.key)).toEqual(captured.map((i) => i.key));
    expect(await page.locator("#queue-list li").count()).toBe(3);
    expect(await notesAt(village.code, marker)).toEqual([]);

    // The network returns but fails half-way: the first send reaches the
    // server and its answer is lost, the second never arrives.
    const sends: string[] = [];
    let lostAnswer: number | undefined;
    await context.route("**/api/v1/measurements", async (route: Route) => {
      const key = route.request().headers()["idempotency-key"] ?? "";
      sends.push(key);
      if (sends.length === 1) {
        lostAnswer = (await route.fetch()).status();
        return route.abort("connectionreset");
      }
      if (sends.length === 2) return route.abort("internetdisconnected");
      return route.fallback();
    });
    await context.setOffline(false);
    await expect
      .poll(async () => (await queue(page)).map((i) => i.state), { timeout: 45_000, interval: 250 })
      .toEqual(["sent", "sent", "sent"]);

    // Each reading is on the server exactly once, though some were sent twice.
    expect(lostAnswer).toBe(201);
    const notes = await notesAt(village.code, marker);
    expect(notes.sort()).toEqual([`${marker}-gps`, `${marker}-typed`, `${marker}-village`]);
    const [first, second] = sends;
    expect(sends.filter((k) => k === first).length).toBeGreaterThanOrEqual(2);
    expect(sends.filter((k) => k === second).length).toBeGreaterThanOrEqual(2);
    expect(new Set(sends)).toEqual(new Set(captured.map((i) => i.key)));

    expect(await page.locator("#queue-list li[data-state=sent]").count()).toBe(3);
    const sent = await queue(page);
    for (const item of sent) expect(item.result?.village?.code).toBe(village.code);
    await screenshot(page, "field-sent");
    expect(session.errors).toEqual([]);
  });

  test("opens in English when asked, and switches back", async () => {
    await session?.context.close();
    session = await open(browser, baseUrl(), { locale: "en" });
    const { page } = session;
    await page.goto("/field.html", { waitUntil: "domcontentloaded" });
    await fieldReady(page);
    expect(await page.locator("#save").textContent()).toBe("Save reading");
    await page.click("#lang-toggle");
    expect(await page.locator("#save").textContent()).toBe("Lưu số đo");
    expect(session.errors).toEqual([]);
  });
});
