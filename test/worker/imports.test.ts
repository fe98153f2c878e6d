import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { planFull } from "../../worker/data/engine.ts";
import { DEFAULT_COVERAGE_CONFIG } from "../../worker/domain/coverage.ts";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from "../../worker/domain/imports.ts";
import {
  type AccessCase,
  adminOnly,
  checkAccess,
  ownedBy,
  type Principals,
  principals,
  snapshot,
} from "./helpers/access.ts";
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

type Result = {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  coverage: { villages_considered: number; villages_changed: number };
};

const KM_LAT = 1 / 111.2;
// Villages every 20 km northwards, two communes: a station imported next to
// one of them takes its units and covers it.
const grid = Array.from({ length: 6 }, (_, i) =>
  villageRow({
    code: `IM-${i}`,
    name: `Thôn Nhập ${i}`,
    lat: 22.5 + i * 20 * KM_LAT,
    lon: 104.9,
    ...(i % 2 === 1 ? { commune_code: "98002", old_commune_code: "99102" } : {}),
  }),
);
const at = (i: number, northKm = 0.2) => ({ lat: 22.5 + (i * 20 + northKm) * KM_LAT, lon: 104.9 });

let who: Principals;
let seq = 0;

function post(kind: "stations" | "villages", body: BodyInit, type: string, auth: Record<string, string> = who.admin) {
  return request(`/api/v1/import/${kind}`, { method: "POST", headers: { ...auth, "Content-Type": type }, body });
}

const csv = (lines: string[]) => `${lines.join("\r\n")}\r\n`;
const STATION_HEADER = "operator_id,site_code,name,lat,lon,technologies,antenna_height_m,status,planned_on_air_date";

async function stationBySite(site: string) {
  const [row] = await testDb().select().from(tables.stations).where(eq(tables.stations.site_code, site));
  return row;
}

async function auditCount() {
  return (await testDb().select().from(tables.audit_log)).length;
}

// What a full recompute would still change: nothing, if the import's own
// recompute was right.
async function fullRecomputeChanges() {
  return (
    await planFull(testDb(), { config: DEFAULT_COVERAGE_CONFIG, cause: { cause: "check", actor: "test", at: "x" } })
  ).changes;
}

beforeAll(async () => {
  await seedBase();
  await insertVillages(grid);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

// The access walk sends JSON bodies, which the import routes read as GeoJSON.
const points = (properties: Record<string, unknown>, p: { lat: number; lon: number }) => ({
  type: "FeatureCollection",
  features: [{ type: "Feature", geometry: { type: "Point", coordinates: [p.lon, p.lat] }, properties }],
});

describe("who may import", () => {
  it("stations: operators their own, the department any", async () => {
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: "/api/v1/import/stations",
        body: points({ operator_id: "viettel", site_code: `ACC-${++seq}`, technologies: "2g|4g" }, at(0)),
      }),
      expect: ownedBy(who, 200),
    };
    await checkAccess("POST /import/stations", route, who);
  });

  it("villages: the department only", async () => {
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: "/api/v1/import/villages",
        body: points({ code: `ACC-V-${++seq}`, name: "Thôn Mới", commune_code: "99101" }, at(1, 5)),
      }),
      expect: adminOnly(200),
    };
    await checkAccess("POST /import/villages", route, who);
  });
});

describe("POST /import/stations", () => {
  it("reads what spreadsheets export: BOM, CRLF, quoted fields, Vietnamese names", async () => {
    const file = `\uFEFF${csv([
      " Operator_ID , Site_Code ,name,lat,lon,technologies,antenna_height_m,status,planned_on_air_date",
      `viettel,SS-1,"BTS Lũng Cú, điểm cao",${at(0).lat},${at(0).lon},"2g 4g",35,planned,2026-09-30`,
      `viettel,SS-2,"Trạm ""Mới"" Đồng Văn",${at(1).lat},${at(1).lon},4g|2g,,,`,
      "",
      `mobifone,SS-1,"Trạm nhiều
dòng",${at(2).lat},${at(2).lon},2G;3G,,permitted,`,
    ])}`;
    const audits = await auditCount();
    const res = await post("stations", file, "text/csv; charset=utf-8");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0 });
    expect(await auditCount()).toBe(audits + 3);
    expect(await stationBySite("SS-1")).toBeDefined();
    const first = (
      await testDb()
        .select()
        .from(tables.stations)
        .where(and(eq(tables.stations.operator_id, "viettel"), eq(tables.stations.site_code, "SS-1")))
    )[0];
    expect(first).toMatchObject({
      name: "BTS Lũng Cú, điểm cao",
      technologies: ["2g", "4g"],
      antenna_height_m: 35,
      status: "planned",
      planned_on_air_date: "2026-09-30",
      old_commune_code: "99101",
      synthetic: false,
      version: 1,
    });
    expect(first?.planned_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await stationBySite("SS-2")).toMatchObject({ name: 'Trạm "Mới" Đồng Văn', old_commune_code: "99102" });
    const multi = (
      await testDb()
        .select()
        .from(tables.stations)
        .where(and(eq(tables.stations.operator_id, "mobifone"), eq(tables.stations.site_code, "SS-1")))
    )[0];
    expect(multi).toMatchObject({ name: "Trạm nhiều\ndòng", technologies: ["2g", "3g"], status: "permitted" });
  });

  it("re-importing the same file changes nothing and writes no audit entry", async () => {
    const file = csv([
      STATION_HEADER,
      `viettel,RE-1,Trạm Một,${at(3).lat},${at(3).lon},2g|4g,30,on_air,`,
      `viettel,RE-2,Trạm Hai,${at(4).lat},${at(4).lon},4g,,,`,
    ]);
    const first = (await (await post("stations", file, "text/csv")).json()) as Result;
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const audits = await auditCount();
    const before = await snapshot();
    const again = await post("stations", file, "text/csv");
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({
      rows: 2,
      created: 0,
      updated: 0,
      unchanged: 2,
      coverage: { villages_considered: 0, villages_changed: 0 },
    });
    expect(await auditCount()).toBe(audits);
    expect(await snapshot()).toEqual(before);
  });

  it("rejects a file with one bad row, naming the row and field, and writes nothing", async () => {
    const before = await snapshot();
    const file = csv([
      STATION_HEADER,
      `viettel,BAD-1,,${at(0).lat},${at(0).lon},2g,,,`,
      `viettel,BAD-2,,${at(1).lat},${at(1).lon},4g,,,`,
      `viettel,BAD-3,,${at(2).lat},abc,4g,,,`,
      `viettel,BAD-4,,${at(2).lat},${at(2).lon},6g,,,`,
    ]);
    const res = await post("stations", file, "text/csv");
    expect(res.status).toBe(400);
    const body = (await res.json()) as Problem;
    expect(body.errors).toEqual([
      expect.objectContaining({ row: 3, field: "lon", location: "file" }),
      expect.objectContaining({ row: 4, field: "technologies.0", location: "file" }),
    ]);
    expect(body.detail).toMatch(/2 problems in 2 rows.*Nothing was written/);
    expect(await snapshot()).toEqual(before);
  });

  it("names repeated site codes, unknown operators and illegal status moves, writing nothing", async () => {
    await insertStations([stationRow({ site_code: "LIFE-1", ...at(5), status: "planned", on_air_at: null })]);
    const before = await snapshot();
    const repeated = csv([
      STATION_HEADER,
      `viettel,DUP-1,,${at(0).lat},${at(0).lon},2g,,,`,
      `viettel,DUP-1,,${at(1).lat},${at(1).lon},2g,,,`,
    ]);
    const dup = (await (await post("stations", repeated, "text/csv")).json()) as Problem;
    expect(dup.errors).toEqual([
      expect.objectContaining({ row: 2, field: "site_code", problem: expect.stringMatching(/repeats row 1/) }),
    ]);
    const unknown = (await (
      await post("stations", csv([STATION_HEADER, `sfone,X-1,,${at(0).lat},${at(0).lon},2g,,,`]), "text/csv")
    ).json()) as Problem;
    expect(unknown.errors).toEqual([expect.objectContaining({ row: 1, field: "operator_id" })]);
    const leap = await post(
      "stations",
      csv([STATION_HEADER, `viettel,LIFE-1,,${at(5).lat},${at(5).lon},2g|4g,,on_air,`]),
      "text/csv",
    );
    expect(leap.status).toBe(400);
    expect(((await leap.json()) as Problem).errors).toEqual([
      expect.objectContaining({
        row: 1,
        field: "status",
        problem: expect.stringMatching(/planned.*on_air.*permitted, decommissioned/),
      }),
    ]);
    const far = await post("stations", csv([STATION_HEADER, `viettel,FAR-1,,10.5,106.7,2g,,,`]), "text/csv");
    expect(((await far.json()) as Problem).errors).toEqual([expect.objectContaining({ row: 1, field: "lat" })]);
    expect(await snapshot()).toEqual(before);
  });

  it("updates along the lifecycle, one audit entry per changed station", async () => {
    await insertStations([
      stationRow({ site_code: "UPD-1", ...at(5), status: "planned", on_air_at: null, name: "Giữ tên" }),
    ]);
    const audits = await auditCount();
    const res = await post(
      "stations",
      csv([STATION_HEADER, `viettel,UPD-1,,${at(5).lat},${at(5).lon},2g|4g,,permitted,`]),
      "text/csv",
    );
    expect(await res.json()).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const row = await stationBySite("UPD-1");
    expect(row).toMatchObject({ status: "permitted", name: "Giữ tên", version: 2 });
    expect(row?.permitted_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await auditCount()).toBe(audits + 1);
    const [entry] = await testDb()
      .select()
      .from(tables.audit_log)
      .where(eq(tables.audit_log.entity_id, row?.id as string));
    expect(entry).toMatchObject({ action: "update", entity_type: "station", actor_role: "admin" });
    expect(entry?.before).toMatchObject({ status: "planned", version: 1 });
    expect(entry?.after).toMatchObject({ status: "permitted", version: 2 });
  });

  it("recomputes the coverage around stations going on air, as a full recompute would", async () => {
    const village = grid[2]?.code as string;
    expect((await getJson<{ coverage_state: string }>(`/api/v1/villages/${village}`)).body.coverage_state).toBe("none");
    const res = await post(
      "stations",
      csv([STATION_HEADER, `vinaphone,AIR-1,,${at(2, 0.5).lat},${at(2, 0.5).lon},2g|4g,,on_air,`]),
      "text/csv",
    );
    const body = (await res.json()) as Result;
    expect(body.coverage.villages_changed).toBeGreaterThanOrEqual(1);
    const detail = (
      await getJson<{ coverage_state: string; history: Array<{ cause: string; station_id: string }> }>(
        `/api/v1/villages/${village}`,
      )
    ).body;
    expect(detail.coverage_state).toBe("good");
    expect(detail.history[0]?.cause).toMatch(/^import of 1 station rows/);
    expect(detail.history[0]?.station_id).toBe((await stationBySite("AIR-1"))?.id);
    expect(await fullRecomputeChanges()).toEqual([]);
  });

  it("recomputes a large file's neighbourhoods, as a full recompute would", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => {
      const p = { lat: 22.5 + i * 3.7 * KM_LAT, lon: 104.9 + (i % 3) * 0.01 };
      return `mobifone,BIG-${i},,${p.lat},${p.lon},2g,,${i % 2 === 0 ? "on_air" : "planned"},`;
    });
    const res = await post("stations", csv([STATION_HEADER, ...lines]), "text/csv");
    expect(await res.json()).toMatchObject({ created: 30 });
    expect(await fullRecomputeChanges()).toEqual([]);
  });

  it("recomputes a file spread over the country by coarser tiles, as a full recompute would", async () => {
    // 40 places half a degree apart or more, more tiles than one request may
    // query one by one, plus one station by the villages.
    const places = Array.from({ length: 40 }, (_, i) => ({
      lat: 8.7 + (i % 20) * 0.6,
      lon: 102.3 + Math.floor(i / 20) * 0.6,
    }));
    await insertVillages(places.map((p, i) => villageRow({ code: `FAR-V-${i}`, ...p })));
    const far = places.map((p, i) => `mobifone,FAR-${i},,${p.lat + 0.01},${p.lon},4g,,on_air,`);
    const near = `mobifone,FAR-NEAR,,${at(5, 0.5).lat},${at(5, 0.5).lon},4g,,on_air,`;
    const res = await post("stations", csv([STATION_HEADER, ...far, near]), "text/csv");
    const body = (await res.json()) as Result;
    expect(body).toMatchObject({ created: 41 });
    expect(body.coverage.villages_considered).toBeGreaterThan(grid.length - 1);
    expect(body.coverage.villages_changed).toBeGreaterThanOrEqual(1);
    expect(await fullRecomputeChanges()).toEqual([]);
  });

  it("accepts GeoJSON and numbers its problems by feature", async () => {
    const feature = (site: string, coordinates: unknown, type = "Point") => ({
      type: "Feature",
      geometry: { type, coordinates },
      properties: { operator_id: "viettel", site_code: site, technologies: ["2g", "4g"], name: "Trạm GeoJSON" },
    });
    const good = { type: "FeatureCollection", features: [feature("GJ-1", [at(1).lon, at(1).lat])] };
    const ok = await post("stations", JSON.stringify(good), "application/geo+json");
    expect(await ok.json()).toMatchObject({ created: 1 });
    expect(await stationBySite("GJ-1")).toMatchObject({ technologies: ["2g", "4g"], name: "Trạm GeoJSON" });
    const bad = {
      type: "FeatureCollection",
      features: [feature("GJ-2", [at(1).lon, at(1).lat]), feature("GJ-3", [[at(1).lon, at(1).lat]], "LineString")],
    };
    const res = await post("stations", JSON.stringify(bad), "application/json");
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ row: 2, field: "geometry", location: "file" })]),
    );
    expect(await stationBySite("GJ-2")).toBeUndefined();
  });

  it("accepts a multipart file upload", async () => {
    const form = new FormData();
    form.append("file", new File([csv([STATION_HEADER, `viettel,MP-1,,${at(3).lat},${at(3).lon},4g,,,`])], "tram.csv"));
    const res = await request("/api/v1/import/stations", { method: "POST", headers: who.owner, body: form });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ created: 1 });
  });

  it("refuses oversized files, too many rows, other media types and non-UTF-8 text", async () => {
    const big = await post("stations", `${STATION_HEADER}\n${"x".repeat(IMPORT_MAX_BYTES)}`, "text/csv");
    expect(big.status).toBe(413);
    expect(big.headers.get("Content-Type")).toMatch(/problem\+json/);
    const line = `viettel,ROW,,${at(0).lat},${at(0).lon},2g,,,`;
    const many = await post("stations", csv([STATION_HEADER, ...Array(IMPORT_MAX_ROWS + 1).fill(line)]), "text/csv");
    expect(many.status).toBe(413);
    expect(((await many.json()) as Problem).detail).toMatch(/20000/);
    expect((await post("stations", "<xml/>", "application/xml")).status).toBe(415);
    const latin1 = new Uint8Array([...new TextEncoder().encode(`${STATION_HEADER}\nviettel,L1,Tr`), 0xe1, 0x6d]);
    const garbled = await post("stations", latin1, "text/csv");
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as Problem).errors?.[0]?.problem).toMatch(/UTF-8/);
  });
});

describe("POST /import/villages", () => {
  const HEADER = "code,name,commune_code,old_commune_code,lat,lon,households,population";

  it("creates villages with their units and coverage, and re-import is a no-op", async () => {
    await insertStations([
      stationRow({ id: "st-imv", site_code: "IMV-BTS", lat: 22.1, lon: 104.5, technologies: ["4g"] }),
    ]);
    const file = csv([
      HEADER,
      `NV-1,Bản Nà Mới,99101,99102,22.1005,104.5,40,180`,
      `NV-2,"Thôn Khuổi, Xã Xa",98002,,,,,`,
    ]);
    const res = await post("villages", file, "text/csv");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ created: 2, updated: 0, unchanged: 0, coverage: { villages_changed: 1 } });
    const [nv1] = await testDb().select().from(tables.villages).where(eq(tables.villages.code, "NV-1"));
    expect(nv1).toMatchObject({
      name: "Bản Nà Mới",
      name_normalized: "ban na moi",
      province_code: "98",
      commune_code: "99101",
      old_commune_code: "99102",
      old_district_code: "991",
      old_province_code: "99",
      coverage_state: "good",
      best_tech: "4g",
      households: 40,
    });
    const [nv2] = await testDb().select().from(tables.villages).where(eq(tables.villages.code, "NV-2"));
    expect(nv2).toMatchObject({ coverage_state: "unknown", old_commune_code: null, lat: null });

    const before = await snapshot();
    expect(await (await post("villages", file, "text/csv")).json()).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 2,
    });
    expect(await snapshot()).toEqual(before);
    expect(await fullRecomputeChanges()).toEqual([]);
  });

  it("moves a village and keeps what the file leaves empty", async () => {
    await post("villages", csv([HEADER, `MV-1,Thôn Dời,99101,,22.3,104.2,12,60`]), "text/csv");
    const res = await post("villages", csv([HEADER, `MV-1,Thôn Dời,99101,,22.1004,104.5,,`]), "text/csv");
    expect(await res.json()).toMatchObject({ updated: 1 });
    const [mv] = await testDb().select().from(tables.villages).where(eq(tables.villages.code, "MV-1"));
    expect(mv).toMatchObject({ lat: 22.1004, households: 12, population: 60, coverage_state: "good" });
  });

  it("rejects unknown commune codes by row", async () => {
    const before = await snapshot();
    const res = await post(
      "villages",
      csv([HEADER, "UC-1,Thôn A,99101,,,,,", "UC-2,Thôn B,12345,99999,,,,"]),
      "text/csv",
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors).toEqual([
      expect.objectContaining({ row: 2, field: "commune_code" }),
      expect.objectContaining({ row: 2, field: "old_commune_code" }),
    ]);
    expect(await snapshot()).toEqual(before);
  });
});

describe("retries and the OpenAPI document", () => {
  it("answers a retried import from the first response and writes nothing more", async () => {
    const file = csv([STATION_HEADER, `viettel,IDEM-1,,${at(4).lat},${at(4).lon},2g,,,`]);
    const headers = { ...who.owner, "Content-Type": "text/csv", "Idempotency-Key": `import-${++seq}` };
    const first = await request("/api/v1/import/stations", { method: "POST", headers, body: file });
    expect(await first.json()).toMatchObject({ created: 1 });
    const before = await snapshot();
    const retry = await request("/api/v1/import/stations", { method: "POST", headers, body: file });
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.json()).toMatchObject({ created: 1, unchanged: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it("documents the write routes with their security and the file types an import takes", async () => {
    type Operation = { security?: unknown[]; requestBody?: { content: Record<string, unknown> } };
    const { body } = await getJson<{ paths: Record<string, Record<string, Operation>> }>("/api/v1/openapi.json");
    const bearer = [{ bearer: [] }];
    expect(body.paths["/api/v1/villages/{code}/commitment"]?.put?.security).toEqual(bearer);
    expect(body.paths["/api/v1/villages/{code}/surveys"]?.post?.security).toEqual(bearer);
    expect(body.paths["/api/v1/import/villages"]?.post?.security).toEqual(bearer);
    expect(body.paths["/api/v1/admin/snapshot"]?.post?.security).toEqual(bearer);
    const stationsImport = body.paths["/api/v1/import/stations"]?.post;
    expect(stationsImport?.security).toEqual(bearer);
    expect(Object.keys(stationsImport?.requestBody?.content ?? {})).toEqual([
      "text/csv",
      "application/geo+json",
      "multipart/form-data",
    ]);
    expect(body.paths["/api/v1/commitments"]?.get?.security).toBeUndefined();
    expect(body.paths["/api/v1/progress/history"]?.get?.security).toBeUndefined();
  });
});
