import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { app } from "../../worker/app.ts";
import {
  type AccessCase,
  adminOnly,
  checkAccess,
  type Expectation,
  ownedBy,
  type Principal,
  type Principals,
  principals,
} from "./helpers/access.ts";
import { getJson } from "./helpers/api.ts";
import { createToken } from "./helpers/auth.ts";
import {
  insertStations,
  insertVillages,
  recomputeAll,
  seedBase,
  stationRow,
  testDb,
  villageRow,
} from "./helpers/factories.ts";

// Every route of the OpenAPI document, walked by every kind of caller. A route
// the document lists but this table lacks fails the suite, and so does a route
// the app serves without documenting it: adding a route means adding its line
// here, with who may call it.

const KM_LAT = 1 / 111.2;
const base = { lat: 22.8, lon: 104.95 };
let seq = 0;
let who: Principals;

const village = villageRow({ code: "AM-01", name: "Thôn Ma Trận", ...base });
const station = stationRow({ id: "st-am-1", site_code: "AM-BTS-1", ...base });

beforeAll(async () => {
  await seedBase();
  await insertVillages([village]);
  await insertStations([station]);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

// A fresh Viettel station, planned, at version 1, for one caller to change.
async function freshStation(): Promise<string> {
  const [row] = await insertStations([
    stationRow({ site_code: `AM-${++seq}`, ...base, status: "planned", on_air_at: null }),
  ]);
  return row?.id as string;
}

// A fresh village without signal whose commitment Viettel holds, at version 1.
async function committedVillage(): Promise<string> {
  const n = ++seq;
  const [row] = await insertVillages([
    villageRow({
      code: `AM-C-${n}`,
      name: `Thôn Chờ ${n}`,
      lat: base.lat + (40 + n * 0.1) * KM_LAT,
      lon: base.lon,
      coverage_state: "none",
    }),
  ]);
  await testDb()
    .insert(tables.commitments)
    .values({ village_code: row?.code as string, operator_id: "viettel", target_date: "2027-06-30" });
  return row?.code as string;
}

// An open challenge of Viettel's 4G claim at a fresh village (one claim has
// at most one open challenge).
async function openChallenge(): Promise<number> {
  const n = ++seq;
  const at = new Date(Date.UTC(2025, 1, 1, 0, n)).toISOString();
  const [challenged] = await insertVillages([
    villageRow({ code: `AM-CH-${n}`, name: `Thôn Khiếu Nại ${n}`, lat: base.lat + n * 0.001, lon: base.lon }),
  ]);
  const [row] = await testDb()
    .insert(tables.challenges)
    .values({
      village_code: challenged?.code as string,
      operator_id: "viettel",
      tech: "4g",
      evidence_from: at,
      opened_at: at,
      opened_by_measurement_id: n,
    })
    .returning({ id: tables.challenges.id });
  return row?.id as number;
}

const everyone = (status: number): Record<Principal, Expectation> => ({
  none: status,
  malformed: status,
  unknown: status,
  revoked: status,
  owner: status,
  other: status,
  admin: status,
});

// Public reads ignore any Authorization header, good or bad.
const read = (path: string): AccessCase => ({
  prepare: async () => ({ method: "GET", path }),
  expect: everyone(200),
  audits: 0,
});

const MATRIX: Record<string, () => AccessCase> = {
  "GET /api/v1/progress": () => read("/api/v1/progress?unit=99"),
  "GET /api/v1/progress/history": () => read("/api/v1/progress/history?unit=99"),
  "GET /api/v1/units": () => read("/api/v1/units"),
  "GET /api/v1/units/{code}": () => read("/api/v1/units/99"),
  "GET /api/v1/villages": () => read("/api/v1/villages?unit=99"),
  "GET /api/v1/villages/{code}": () => read(`/api/v1/villages/${village.code}`),
  "GET /api/v1/stations": () => read("/api/v1/stations?operator=viettel"),
  "GET /api/v1/stations/{id}": () => read(`/api/v1/stations/${station.id}`),
  "GET /api/v1/coverage-config": () => read("/api/v1/coverage-config"),
  "GET /api/v1/commitments": () => read("/api/v1/commitments"),
  "GET /api/v1/export/villages.geojson": () => read("/api/v1/export/villages.geojson?unit=99"),
  "GET /api/v1/export/villages.csv": () => read("/api/v1/export/villages.csv?unit=99"),
  "GET /api/v1/export/stations.geojson": () => read("/api/v1/export/stations.geojson?operator=viettel"),
  "GET /api/v1/export/stations.csv": () => read("/api/v1/export/stations.csv?operator=viettel"),
  "GET /api/v1/villages/{code}/measurements": () => read(`/api/v1/villages/${village.code}/measurements`),
  "GET /api/v1/challenges/summary": () => read("/api/v1/challenges/summary"),
  "GET /api/v1/siting/suggestions": () => read("/api/v1/siting/suggestions?unit=99"),
  "GET /api/v1/map/villages": () => read("/api/v1/map/villages?unit=99"),

  "POST /api/v1/stations": () => ({
    prepare: async () => ({
      method: "POST",
      path: "/api/v1/stations",
      body: {
        operator_id: "viettel",
        site_code: `AM-NEW-${++seq}`,
        lat: base.lat,
        lon: base.lon,
        technologies: ["4g"],
      },
    }),
    expect: ownedBy(who, 201),
  }),
  "PATCH /api/v1/stations/{id}": () => ({
    prepare: async () => ({
      method: "PATCH",
      path: `/api/v1/stations/${await freshStation()}`,
      body: { status: "permitted" },
      headers: { "If-Match": '"1"' },
    }),
    expect: ownedBy(who, 200),
  }),
  "DELETE /api/v1/stations/{id}": () => ({
    prepare: async () => ({
      method: "DELETE",
      path: `/api/v1/stations/${await freshStation()}`,
      headers: { "If-Match": '"1"' },
    }),
    expect: ownedBy(who, 200),
  }),
  "PUT /api/v1/villages/{code}/commitment": () => ({
    prepare: async () => ({
      method: "PUT",
      path: `/api/v1/villages/${await committedVillage()}/commitment`,
      body: { operator_id: "viettel", target_date: "2027-12-31", notes: "Chờ điện lưới" },
      headers: { "If-Match": '"1"' },
    }),
    expect: ownedBy(who, 200),
  }),
  "POST /api/v1/villages/{code}/surveys": () => ({
    prepare: async () => ({
      method: "POST",
      path: `/api/v1/villages/${village.code}/surveys`,
      body: {
        operator_id: "viettel",
        tech: "4g",
        level: "weak",
        measured_at: new Date(Date.UTC(2025, 0, 1 + ++seq)).toISOString(),
      },
    }),
    expect: adminOnly(201),
  }),
  "POST /api/v1/import/stations": () => ({
    prepare: async () => ({
      method: "POST",
      path: "/api/v1/import/stations",
      body: featureCollection({ operator_id: "viettel", site_code: `AM-IMP-${++seq}`, technologies: "2g|4g" }),
    }),
    expect: ownedBy(who, 200),
  }),
  "POST /api/v1/import/villages": () => ({
    prepare: async () => ({
      method: "POST",
      path: "/api/v1/import/villages",
      body: featureCollection({ code: `AM-IMP-V-${++seq}`, name: "Thôn Nhập", commune_code: "99101" }, 30),
    }),
    expect: adminOnly(200),
  }),

  // Anyone may report what their phone shows; a token that is sent must be good,
  // and an operator reports for itself only.
  "POST /api/v1/measurements": () => ({
    prepare: async () => ({
      method: "POST",
      path: "/api/v1/measurements",
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: {
        lat: base.lat,
        lon: base.lon,
        operator_id: "viettel",
        tech: "4g",
        level: "none",
        measured_at: new Date(Date.UTC(2025, 0, 1, 0, ++seq)).toISOString(),
      },
    }),
    expect: { ...ownedBy(who, 201), none: 201 },
  }),
  "GET /api/v1/challenges": () => ({
    prepare: async () => ({ method: "GET", path: "/api/v1/challenges" }),
    expect: { ...everyone(401), owner: 200, other: 200, admin: 200 },
    audits: 0,
  }),
  "POST /api/v1/challenges/{id}/resolve": () => ({
    prepare: async () => ({
      method: "POST",
      path: `/api/v1/challenges/${await openChallenge()}/resolve`,
      body: { decision: "rejected", note: "Đo lại: có sóng" },
    }),
    expect: adminOnly(200),
  }),
  "GET /api/v1/auth/me": () => ({
    prepare: async () => ({ method: "GET", path: "/api/v1/auth/me" }),
    expect: { ...everyone(401), owner: 200, other: 200, admin: 200 },
    audits: 0,
  }),
  "GET /api/v1/audit": () => ({
    prepare: async () => ({ method: "GET", path: "/api/v1/audit" }),
    expect: adminOnly(200),
    audits: 0,
  }),
  "GET /api/v1/admin/tokens": () => ({
    prepare: async () => ({ method: "GET", path: "/api/v1/admin/tokens" }),
    expect: adminOnly(200),
    audits: 0,
  }),
  "POST /api/v1/admin/tokens": () => ({
    prepare: async () => ({
      method: "POST",
      path: "/api/v1/admin/tokens",
      body: { role: "operator", operator_id: "mobifone", label: `matrix ${++seq}` },
    }),
    expect: adminOnly(201),
  }),
  "DELETE /api/v1/admin/tokens/{id}": () => ({
    prepare: async () => ({
      method: "DELETE",
      path: `/api/v1/admin/tokens/${(await createToken("operator", "mobifone", "to revoke")).id}`,
    }),
    expect: adminOnly(200),
  }),
  "POST /api/v1/admin/recompute": () => ({
    prepare: async () => ({ method: "POST", path: "/api/v1/admin/recompute", body: { dry_run: true } }),
    expect: adminOnly(200),
    audits: 0,
  }),
  "PUT /api/v1/admin/coverage-config": () => ({
    prepare: async () => ({
      method: "PUT",
      path: "/api/v1/admin/coverage-config",
      body: { ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1 }, good_fraction: 0.6 },
    }),
    expect: adminOnly(200),
  }),
  "POST /api/v1/admin/snapshot": () => ({
    prepare: async () => ({ method: "POST", path: "/api/v1/admin/snapshot" }),
    expect: adminOnly(200),
  }),
};

// One point near the matrix's village, `northKm` north of it.
function featureCollection(properties: Record<string, unknown>, northKm = 0.3) {
  return {
    type: "FeatureCollection",
    features: [
      {
        type: "Feature",
        geometry: { type: "Point", coordinates: [base.lon, base.lat + northKm * KM_LAT] },
        properties,
      },
    ],
  };
}

type OpenApi = { paths: Record<string, Record<string, unknown>> };

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

async function documentedRoutes(): Promise<string[]> {
  const { body } = await getJson<OpenApi>("/api/v1/openapi.json");
  return Object.entries(body.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => HTTP_METHODS.has(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

// What the router really serves: app.use() middleware shows as ALL; a route's
// own middleware repeats its method and path.
function servedRoutes(): string[] {
  const routes = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
  return [...new Set(routes)];
}

// Served on purpose outside the document: the document itself and its page.
const UNDOCUMENTED = ["GET /api/v1/openapi.json", "GET /docs"];

describe("the access matrix", () => {
  it("has a line for every route of the OpenAPI document, and none for a route that is gone", async () => {
    const documented = await documentedRoutes();
    expect(documented.length).toBeGreaterThan(20);
    expect(
      documented.filter((r) => !(r in MATRIX)),
      "documented routes missing from MATRIX",
    ).toEqual([]);
    expect(
      Object.keys(MATRIX).filter((r) => !documented.includes(r)),
      "MATRIX lines for undocumented routes",
    ).toEqual([]);
  });

  it("covers every route the app serves: nothing is served without being documented", async () => {
    const documented = new Set(await documentedRoutes());
    const served = servedRoutes();
    expect(served.filter((r) => !documented.has(r) && !UNDOCUMENTED.includes(r))).toEqual([]);
    expect(
      UNDOCUMENTED.filter((r) => !served.includes(r)),
      "UNDOCUMENTED lists a route that is gone",
    ).toEqual([]);
  });

  it("declares bearer security in the document exactly for the routes that refuse anonymous callers", async () => {
    const { body } = await getJson<OpenApi>("/api/v1/openapi.json");
    for (const [name, line] of Object.entries(MATRIX)) {
      const [method, path] = name.split(" ") as [string, string];
      const operation = body.paths[path]?.[method.toLowerCase()] as { security?: object[] } | undefined;
      const anonymous = line().expect.none;
      const refused = (typeof anonymous === "number" ? anonymous : anonymous.status) === 401;
      // An empty requirement ({}) means a token is optional.
      const security = (operation?.security ?? []) as object[];
      const tokenRequired = security.length > 0 && security.every((s) => Object.keys(s).length > 0);
      expect(tokenRequired, `${name}: security in the document`).toBe(refused);
    }
  });

  it.each(Object.keys(MATRIX))("%s: exact status for every caller, nothing changed by a refusal", async (name) => {
    await checkAccess(name, (MATRIX[name] as () => AccessCase)(), who);
  });
});
