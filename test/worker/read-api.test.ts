import type { z } from "@hono/zod-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import type { VillageDetailSchema } from "../../worker/api/schemas.ts";
import { getJson, type Problem, request } from "./helpers/api.ts";
import {
  insertStations,
  insertVillages,
  recomputeAll,
  seedBase,
  stationRow,
  testDb,
  villageRow,
} from "./helpers/factories.ts";

type VillageDetail = z.infer<typeof VillageDetailSchema>;
type Page<T> = { data: T[]; total: number; next_cursor: string | null };
type Village = {
  code: string;
  name: string;
  coverage_state: string;
  best_tech: string | null;
  commune_name: string | null;
  commitment: { overdue: boolean } | null;
};
type Station = { id: string; operator_id: string; status: string; technologies: string[] };

const KM_LAT = 1 / 111.2;

// A small world: four villages along a meridian in old commune 99101 (2025:
// 99101), one in 99102, a Viettel station on air at the first village, a
// planned one elsewhere and a MobiFone one on air 5 km north (2G only reaches).
const base = { lat: 23.2, lon: 105.3 };
const v = {
  lungCu: villageRow({ code: "A-01", name: "Thôn Lũng Cú", ...base }),
  near: villageRow({ code: "A-02", name: "Bản Phìn", lat: base.lat + 1 * KM_LAT, lon: base.lon }),
  edge: villageRow({ code: "A-03", name: "Thôn Nà Thác", lat: base.lat + 8 * KM_LAT, lon: base.lon }),
  far: villageRow({ code: "A-04", name: "Thôn Xa", lat: base.lat + 30 * KM_LAT, lon: base.lon }),
  other: villageRow({
    code: "B-01",
    name: "Thôn Đồng",
    lat: base.lat,
    lon: base.lon + 0.5,
    old_commune_code: "99102",
    commune_code: "99101",
  }),
  noLocation: villageRow({ code: "B-02", name: "Thôn Chưa Đo", lat: null, lon: null, old_commune_code: "99102" }),
};
const s = {
  viettel: stationRow({ id: "st-a", site_code: "VT-1", ...base, technologies: ["2g", "3g", "4g"] }),
  planned: stationRow({
    id: "st-b",
    site_code: "VT-2",
    lat: base.lat + 30 * KM_LAT,
    lon: base.lon,
    status: "planned",
    on_air_at: null,
  }),
  mobifone: stationRow({
    id: "st-c",
    operator_id: "mobifone",
    site_code: "MB-1",
    lat: base.lat + 13 * KM_LAT,
    lon: base.lon,
    technologies: ["2g", "4g"],
  }),
};

beforeAll(async () => {
  await seedBase();
  await insertVillages(Object.values(v));
  await insertStations(Object.values(s));
  await recomputeAll();
  await testDb()
    .insert(tables.commitments)
    .values({
      village_code: "A-04",
      operator_id: "viettel",
      target_date: "2020-01-01",
      blockers: [{ kind: "no_grid_power" }],
    });
});

describe("GET /api/v1/progress", () => {
  it("computes the figures of a pre-2025 province from the records", async () => {
    const { status, body } = await getJson<Record<string, unknown>>("/api/v1/progress?unit=99");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      villages_total: 6,
      villages_covered: 3,
      villages_uncovered: 2,
      villages_unknown: 1,
      coverage_pct: 50,
      stations_total: 3,
      stations_on_air: 2,
    });
    expect(body.unit).toMatchObject({ code: "99", era: "pre2025", level: "province" });
    const byOperator = body.by_operator as Array<{ operator_id: string; villages_covered: number }>;
    expect(byOperator.find((o) => o.operator_id === "viettel")?.villages_covered).toBe(2);
    expect(byOperator.find((o) => o.operator_id === "mobifone")?.villages_covered).toBe(1);
    const byTech = body.by_technology as Array<{ tech: string; villages_with: number; villages_best: number }>;
    expect(byTech.find((t) => t.tech === "2g")).toEqual({ tech: "2g", villages_with: 3, villages_best: 1 });
  });

  it("reads a district, a pre-2025 commune and a 2025 commune", async () => {
    expect((await getJson("/api/v1/progress?unit=991")).body).toMatchObject({ villages_total: 6 });
    expect((await getJson("/api/v1/progress?unit=99102&as_of=2024-01-01")).body).toMatchObject({
      villages_total: 2,
      unit: { era: "pre2025" },
    });
    expect((await getJson("/api/v1/progress?unit=99101")).body).toMatchObject({
      villages_total: 6,
      unit: { era: "2025" },
    });
  });

  it("says when a unit is only partly loaded", async () => {
    const { body } = await getJson<{ scope: Record<string, unknown> }>("/api/v1/progress?unit=98");
    expect(body.scope).toMatchObject({ communes_total: 2, communes_with_villages: 1, complete: false });
    expect(String(body.scope.note)).toContain("1 of the 2 communes");
  });

  it("rejects a missing, malformed or unknown unit", async () => {
    const missing = await getJson<Problem>("/api/v1/progress");
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]).toMatchObject({ field: "unit", location: "query" });
    expect(missing.res.headers.get("content-type")).toContain("application/problem+json");
    const malformed = await getJson<Problem>("/api/v1/progress?unit=abc");
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors?.[0]?.field).toBe("unit");
    const unknown = await getJson<Problem>("/api/v1/progress?unit=77");
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain("77");
  });
});

describe("units", () => {
  it("lists provinces, children and searches by name without diacritics", async () => {
    expect((await getJson<{ data: Array<{ code: string }> }>("/api/v1/units")).body.data.map((u) => u.code)).toEqual([
      "98",
      "99",
    ]);
    expect(
      (await getJson<{ data: Array<{ code: string }> }>("/api/v1/units?parent=991")).body.data.map((u) => u.code),
    ).toEqual(["99101", "99102"]);
    expect(
      (await getJson<{ data: Array<{ code: string }> }>("/api/v1/units?q=dong%20van")).body.data.map((u) => u.code),
    ).toEqual(["99102"]);
  });

  it("resolves a code reused across the reform by date, and links both sides", async () => {
    const now = await getJson<Record<string, unknown>>("/api/v1/units/99101");
    expect(now.body).toMatchObject({ era: "2025", full_name: "Xã Cao Nguyên" });
    expect((now.body.predecessors as unknown[]).length).toBe(2);
    expect((now.body.other_versions as Array<{ era: string }>)[0]?.era).toBe("pre2025");
    const before = await getJson<Record<string, unknown>>("/api/v1/units/99101?as_of=2024-05-01");
    expect(before.body).toMatchObject({ era: "pre2025", full_name: "Xã Lũng Cú" });
    expect(before.body.successors).toEqual([
      { code: "99101", era: "2025", name: "Xã Cao Nguyên", merge_type: "full", effective_date: "2025-07-01" },
    ]);
  });

  it("answers 404 and 400 as problems", async () => {
    expect((await getJson<Problem>("/api/v1/units/12345")).status).toBe(404);
    const bad = await getJson<Problem>("/api/v1/units?level=village");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatchObject({ field: "level", location: "query" });
  });
});

describe("GET /api/v1/villages", () => {
  const codes = async (query: string) =>
    (await getJson<Page<Village>>(`/api/v1/villages?${query}`)).body.data.map((x) => x.code);

  it("filters by coverage state and unit", async () => {
    expect(await codes("coverage=none")).toEqual(["A-04", "B-01"]);
    expect(await codes("coverage=unknown")).toEqual(["B-02"]);
    expect(await codes("unit=99102&as_of=2024-01-01")).toEqual(["B-01", "B-02"]);
    expect(await codes("unit=99101&coverage=good")).toEqual(["A-01", "A-02"]);
  });

  it("filters by operator and technology", async () => {
    expect(await codes("operator=mobifone")).toEqual(["A-03"]);
    expect(await codes("tech=4g")).toEqual(["A-01", "A-02"]);
    expect(await codes("operator=viettel&tech=2g")).toEqual(["A-01", "A-02"]);
    expect(await codes("operator=viettel&coverage=none")).toEqual(["A-03", "A-04", "B-01"]);
  });

  it("searches with and without diacritics", async () => {
    expect(await codes("q=l%C5%A9ng%20c%C3%BA")).toEqual(["A-01"]);
    expect(await codes("q=lung%20cu")).toEqual(["A-01"]);
    expect(await codes("q=LUNG")).toEqual(["A-01"]);
    expect(await codes("q=thon")).toEqual(["A-01", "A-03", "A-04", "B-01", "B-02"]);
    expect(await codes("q=%25")).toEqual([]);
  });

  it("filters by bounding box", async () => {
    expect(await codes(`bbox=105.29,23.19,105.31,${base.lat + 2 * KM_LAT}`)).toEqual(["A-01", "A-02"]);
  });

  it("pages with a cursor until the end", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: Page<Village> } = await getJson<Page<Village>>(
        `/api/v1/villages?limit=4${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(body.total).toBe(6);
      seen.push(...body.data.map((x) => x.code));
      cursor = body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toEqual(["A-01", "A-02", "A-03", "A-04", "B-01", "B-02"]);
    const exact = await getJson<Page<Village>>("/api/v1/villages?limit=6");
    expect(exact.body.next_cursor).toBeNull();
    const one = await getJson<Page<Village>>("/api/v1/villages?limit=1");
    expect(one.body.data).toHaveLength(1);
    expect(one.body.next_cursor).not.toBeNull();
  });

  it("embeds the commitment with its overdue flag", async () => {
    const { body } = await getJson<Page<Village>>("/api/v1/villages?coverage=none");
    expect(body.data.find((x) => x.code === "A-04")?.commitment).toMatchObject({
      overdue: true,
      operator_id: "viettel",
    });
    expect(body.data.find((x) => x.code === "B-01")?.commitment).toBeNull();
    expect(body.data[0]?.commune_name).toBe("Xã Cao Nguyên");
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=ten", "limit"],
    ["cursor=garbage", "cursor"],
    ["coverage=maybe", "coverage"],
    ["tech=6g", "tech"],
    ["bbox=1,2,3", "bbox"],
    ["bbox=105,24,104,23", "bbox"],
    ["bbox=200,0,201,1", "bbox"],
    ["q=", "q"],
    ["unit=1", "unit"],
    ["operator=Viettel!", "operator"],
  ])("rejects %s naming the field", async (query, field) => {
    const { status, body } = await getJson<Problem>(`/api/v1/villages?${query}`);
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.field)).toContain(field);
    expect(body.type).toMatch(/^\/docs#problem-/);
  });
});

describe("GET /api/v1/villages/{code}", () => {
  it("explains which stations cover the village, how far and with what", async () => {
    const { status, body } = await getJson<VillageDetail>("/api/v1/villages/A-02");
    expect(status).toBe(200);
    expect(body.coverage_state).toBe("good");
    expect(body.explanation.covering_stations).toEqual([
      {
        station_id: "st-a",
        site_code: "VT-1",
        operator_id: "viettel",
        technologies: ["2g", "3g", "4g"],
        distance_m: 1000,
      },
    ]);
    expect(body.explanation.claims).toHaveLength(3);
    expect(body.explanation.claims[0]).toMatchObject({ source: "computed", effective: true, station_id: "st-a" });
    expect(body.explanation.claims[0]?.age_days).toBe(0);
  });

  it("shows the commitment, blockers and the reason for no signal", async () => {
    const { body } = await getJson<VillageDetail>("/api/v1/villages/A-04");
    expect(body.coverage_state).toBe("none");
    expect(body.explanation.summary).toContain("No signal");
    expect(body.commitment).toMatchObject({ overdue: true, blockers: [{ kind: "no_grid_power" }] });
  });

  it("keeps unknown apart from no signal", async () => {
    const { body } = await getJson<VillageDetail>("/api/v1/villages/B-02");
    expect(body.coverage_state).toBe("unknown");
    expect(body.explanation.summary).toContain("unknown");
  });

  it("answers 404 for an unknown village", async () => {
    expect((await getJson<Problem>("/api/v1/villages/NOPE")).status).toBe(404);
  });
});

describe("stations", () => {
  const ids = async (query: string) =>
    (await getJson<Page<Station>>(`/api/v1/stations?${query}`)).body.data.map((x) => x.id);

  it("filters by operator, status, technology, unit and bbox", async () => {
    expect(await ids("operator=viettel")).toEqual(["st-a", "st-b"]);
    expect(await ids("status=planned")).toEqual(["st-b"]);
    expect(await ids("tech=3g")).toEqual(["st-a"]);
    expect(await ids("unit=99")).toEqual(["st-a", "st-b", "st-c"]);
    expect(await ids("unit=98002")).toEqual([]);
    expect(await ids(`bbox=105.29,23.19,105.31,${base.lat + 14 * KM_LAT}&status=on_air`)).toEqual(["st-a", "st-c"]);
    expect(await ids("q=mb-")).toEqual(["st-c"]);
  });

  it("returns one station with its version as ETag", async () => {
    const res = await request("/api/v1/stations/st-a");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"1"');
    expect(await res.json()).toMatchObject({ id: "st-a", technologies: ["2g", "3g", "4g"], status: "on_air" });
    expect((await request("/api/v1/stations/none")).status).toBe(404);
  });

  it("rejects a bad status", async () => {
    const { status, body } = await getJson<Problem>("/api/v1/stations?status=live");
    expect(status).toBe(400);
    expect(body.errors?.[0]?.problem).toContain("on_air");
  });
});

describe("exports", () => {
  it("exports villages as RFC 7946 GeoJSON with the filters", async () => {
    const res = await request("/api/v1/export/villages.geojson?coverage=none");
    expect(res.headers.get("content-type")).toContain("application/geo+json");
    const body = (await res.json()) as {
      type: string;
      features: Array<{ id: string; geometry: unknown; properties: Record<string, unknown> }>;
    };
    expect(body.type).toBe("FeatureCollection");
    expect(body.features.map((f) => f.id)).toEqual(["A-04", "B-01"]);
    expect(body.features[0]?.geometry).toEqual({ type: "Point", coordinates: [v.far.lon, v.far.lat] });
    expect(body.features[0]?.properties.coverage_state).toBe("none");
  });

  it("exports villages as CSV with a BOM and a header", async () => {
    const res = await request("/api/v1/export/villages.csv?unit=99102&as_of=2024-01-01");
    expect(res.headers.get("content-type")).toContain("text/csv");
    const buffer = new Uint8Array(await res.arrayBuffer());
    expect([...buffer.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(buffer)
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]?.split(",").slice(0, 2)).toEqual(["code", "name"]);
    expect(lines[1]).toContain("Thôn Đồng");
  });

  it("exports stations as GeoJSON and CSV", async () => {
    const geo = (await (await request("/api/v1/export/stations.geojson?operator=mobifone")).json()) as {
      features: Array<{ id: string; properties: { technologies: string[] } }>;
    };
    expect(geo.features.map((f) => f.id)).toEqual(["st-c"]);
    expect(geo.features[0]?.properties.technologies).toEqual(["2g", "4g"]);
    const csv = await (await request("/api/v1/export/stations.csv?status=planned")).text();
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    expect(csv).toContain("VT-2");
  });

  it("validates export filters", async () => {
    expect((await request("/api/v1/export/stations.csv?tech=9g")).status).toBe(400);
    expect((await request("/api/v1/export/villages.geojson?unit=55")).status).toBe(404);
  });
});

describe("the API description", () => {
  it("serves an OpenAPI 3.1 document listing every public path", async () => {
    const { status, body } = await getJson<{ openapi: string; paths: Record<string, unknown> }>("/api/v1/openapi.json");
    expect(status).toBe(200);
    expect(body.openapi).toBe("3.1.0");
    for (const path of [
      "/api/v1/progress",
      "/api/v1/units",
      "/api/v1/units/{code}",
      "/api/v1/villages",
      "/api/v1/villages/{code}",
      "/api/v1/stations",
      "/api/v1/stations/{id}",
      "/api/v1/export/villages.geojson",
      "/api/v1/export/villages.csv",
      "/api/v1/export/stations.geojson",
      "/api/v1/export/stations.csv",
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });

  it("serves the docs page", async () => {
    const res = await request("/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/api/v1/openapi.json");
  });

  it("opens public reads to every origin", async () => {
    const res = await request("/api/v1/units", { headers: { Origin: "https://example.org" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});
