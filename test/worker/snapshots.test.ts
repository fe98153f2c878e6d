import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { snapshotProgress } from "../../worker/data/snapshots.ts";
import { snapshotDay } from "../../worker/domain/snapshots.ts";
import worker from "../../worker/index.ts";
import { type AccessCase, adminOnly, checkAccess, type Principals, principals } from "./helpers/access.ts";
import { getJson, type Problem } from "./helpers/api.ts";
import {
  insertStations,
  insertVillages,
  recomputeAll,
  seedBase,
  stationRow,
  testDb,
  villageRow,
} from "./helpers/factories.ts";

type Point = { date: string; coverage_pct: number | null; villages_uncovered: number; villages_total: number };
type History = { unit: { code: string; era: string; level: string }; points: Point[] };

const KM_LAT = 1 / 111.2;
const base = { lat: 23.2, lon: 105.3 };
let who: Principals;

const FIGURES = [
  "villages_total",
  "villages_covered",
  "villages_uncovered",
  "villages_unknown",
  "coverage_pct",
  "stations_total",
  "stations_on_air",
] as const;

async function rowsOf(date: string) {
  return testDb().select().from(tables.progress_snapshots).where(eq(tables.progress_snapshots.date, date));
}

beforeAll(async () => {
  await seedBase();
  await insertVillages([
    villageRow({ code: "SN-1", ...base }),
    villageRow({ code: "SN-2", lat: base.lat + 30 * KM_LAT, lon: base.lon }),
    villageRow({
      code: "SN-3",
      lat: base.lat + 60 * KM_LAT,
      lon: base.lon,
      old_commune_code: "99102",
      commune_code: "98002",
    }),
    villageRow({ code: "SN-4", lat: null, lon: null }),
  ]);
  await insertStations([
    stationRow({ site_code: "SN-BTS", ...base }),
    stationRow({ site_code: "SN-OLD", ...base, status: "decommissioned" }),
    stationRow({
      site_code: "SN-PLAN",
      lat: base.lat + 60 * KM_LAT,
      lon: base.lon,
      status: "planned",
      old_commune_code: "99102",
      commune_code: "98002",
    }),
  ]);
  await recomputeAll();
  who = await principals();
});

describe("POST /admin/snapshot", () => {
  it("is for the department only", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "POST", path: "/api/v1/admin/snapshot" }),
      expect: adminOnly(200),
    };
    await checkAccess("POST /admin/snapshot", route, who);
  });
});

describe("snapshotProgress", () => {
  it("records every unit with villages, in both eras, with the figures GET /progress gives", async () => {
    const { units } = await snapshotProgress(testDb(), "2025-02-01");
    const rows = await rowsOf("2025-02-01");
    expect(units).toBe(rows.length);
    expect(rows.map((r) => `${r.unit_era}:${r.unit_code}`).sort()).toEqual([
      "2025:98",
      "2025:98002",
      "2025:99101",
      "pre2025:99",
      "pre2025:991",
      "pre2025:99101",
      "pre2025:99102",
    ]);
    for (const [code, era, asOf] of [
      ["99", "pre2025", "2024-01-01"],
      ["991", "pre2025", "2024-01-01"],
      ["99102", "pre2025", "2024-01-01"],
      ["98", "2025", "2025-08-01"],
      ["99101", "2025", "2025-08-01"],
    ] as const) {
      const live = (await getJson<Record<string, unknown>>(`/api/v1/progress?unit=${code}&as_of=${asOf}`)).body;
      const row = rows.find((r) => r.unit_code === code && r.unit_era === era);
      for (const f of FIGURES) expect(row?.[f], `${era}:${code} ${f}`).toEqual(live[f]);
    }
    expect(rows.find((r) => r.unit_code === "99")).toMatchObject({
      villages_total: 4,
      villages_covered: 1,
      villages_unknown: 1,
      coverage_pct: 25,
      stations_total: 2,
      stations_on_air: 1,
    });
  });

  it("is idempotent: a second run the same day replaces, never duplicates", async () => {
    await snapshotProgress(testDb(), "2025-02-02");
    const first = await rowsOf("2025-02-02");
    await testDb().update(tables.stations).set({ status: "on_air" }).where(eq(tables.stations.site_code, "SN-PLAN"));
    await recomputeAll();
    await snapshotProgress(testDb(), "2025-02-02");
    await snapshotProgress(testDb(), "2025-02-02");
    const second = await rowsOf("2025-02-02");
    expect(second).toHaveLength(first.length);
    const province = (rows: typeof first) => rows.find((r) => r.unit_code === "99" && r.unit_era === "pre2025");
    expect(province(first)?.villages_covered).toBe(1);
    expect(province(second)?.villages_covered).toBe(2);
  });

  it("runs from the cron, dated the day that ended at Vietnamese midnight", async () => {
    const controller = createScheduledController({
      scheduledTime: Date.parse("2025-03-31T17:00:00Z"),
      cron: "0 17 * * *",
    });
    await worker.scheduled(controller, env);
    expect((await rowsOf("2025-03-31")).length).toBeGreaterThan(0);
    expect(await rowsOf("2025-04-01")).toEqual([]);
  });
});

describe("snapshotDay", () => {
  it("dates the midnight run with the day that ended and any other run with today", () => {
    expect(snapshotDay(new Date("2025-03-31T17:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2025-03-31");
    expect(snapshotDay(new Date("2025-03-31T17:00:59Z"), "Asia/Ho_Chi_Minh")).toBe("2025-03-31");
    expect(snapshotDay(new Date("2025-03-31T03:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2025-03-31");
    expect(snapshotDay(new Date("2025-03-31T18:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2025-04-01");
  });
});

describe("GET /progress/history", () => {
  beforeAll(async () => {
    for (const date of ["2024-12-31", "2024-06-30", "2024-09-30", "2025-03-31"]) await snapshotProgress(testDb(), date);
    await testDb()
      .update(tables.progress_snapshots)
      .set({ coverage_pct: 10 })
      .where(and(eq(tables.progress_snapshots.date, "2024-06-30"), eq(tables.progress_snapshots.unit_code, "99")));
  });

  it("returns a unit's snapshots in date order", async () => {
    const { status, body } = await getJson<History>("/api/v1/progress/history?unit=99");
    expect(status).toBe(200);
    expect(body.unit).toMatchObject({ code: "99", era: "pre2025", level: "province" });
    const dates = body.points.map((p) => p.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates).toEqual(expect.arrayContaining(["2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"]));
    expect(body.points[0]).toMatchObject({ date: "2024-06-30", coverage_pct: 10, villages_total: 4 });
  });

  it("limits to a date range and reads the era the unit code names on as_of", async () => {
    const ranged = (await getJson<History>("/api/v1/progress/history?unit=99&from=2024-07-01&to=2024-12-31")).body;
    expect(ranged.points.map((p) => p.date)).toEqual(["2024-09-30", "2024-12-31"]);
    const newer = (await getJson<History>("/api/v1/progress/history?unit=99101&as_of=2025-08-01")).body;
    expect(newer.unit.era).toBe("2025");
    const older = (await getJson<History>("/api/v1/progress/history?unit=99101&as_of=2024-08-01")).body;
    expect(older.unit.era).toBe("pre2025");
    expect(newer.points.find((p) => p.date === "2025-03-31")?.villages_total).toBe(3);
    expect(older.points.find((p) => p.date === "2025-03-31")?.villages_total).toBe(3);
  });

  it("answers 404 for an unknown unit and 400 for a bad range", async () => {
    expect((await getJson("/api/v1/progress/history?unit=77")).status).toBe(404);
    const bad = await getJson<Problem>("/api/v1/progress/history?unit=99&from=2025-01-01&to=2024-01-01");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatchObject({ field: "from", location: "query" });
    expect((await getJson<Problem>("/api/v1/progress/history")).status).toBe(400);
  });
});
