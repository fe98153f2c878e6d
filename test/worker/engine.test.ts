import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_VILLAGES } from "../../demo/generate.ts";
import { loadCoverageConfig, planAround } from "../../worker/data/engine.ts";
import { DEFAULT_COVERAGE_CONFIG } from "../../worker/domain/coverage.ts";
import { distanceMeters, type LatLon } from "../../worker/domain/geo.ts";
import { type AccessCase, adminOnly, checkAccess, type Principals, principals, send } from "./helpers/access.ts";
import { getJson } from "./helpers/api.ts";
import { seedDemo } from "./helpers/demo.ts";
import { testDb } from "./helpers/factories.ts";

type Change = { code: string; from_state: string; to_state: string };
type WriteResult = { id: string; version: number; coverage_changes: Change[] };
type Progress = {
  villages_total: number;
  villages_covered: number;
  villages_uncovered: number;
  stations_on_air: number;
};
type Recompute = { dry_run: boolean; villages_considered: number; changes_count: number; changes: Change[] };
type Hole = LatLon & { code: string };

const KM_LAT = 1 / 111.2;
let who: Principals;
// Villages without signal with no other such village within 8 km: a station
// 1 km from one of them reaches (6 km at most) that one alone.
let isolated: Hole[];

beforeAll(async () => {
  await seedDemo();
  who = await principals("viettel", "vinaphone");
  const holes = (
    await env.DB.prepare("SELECT code, lat, lon FROM villages WHERE coverage_state = 'none' ORDER BY code").all<Hole>()
  ).results;
  isolated = holes.filter((h) => holes.every((o) => o === h || distanceMeters(h, o) > 8_000));
});

const progress = async () => (await getJson<Progress>("/api/v1/progress?unit=02")).body;
const villageState = async (code: string) =>
  (await getJson<{ coverage_state: string }>(`/api/v1/villages/${code}`)).body.coverage_state;

async function recompute(body: unknown, auth = who.admin) {
  const res = await send({ method: "POST", path: "/api/v1/admin/recompute", body }, auth);
  expect(res.status).toBe(200);
  return (await res.json()) as Recompute;
}

// The changes that enter or leave `state`, as sortable triples.
const fromOrTo = (changes: Change[], state: string) =>
  changes
    .filter((c) => c.from_state === state || c.to_state === state)
    .map((c) => [c.code, c.from_state, c.to_state])
    .sort();

async function patch(id: string, body: unknown, etag: string) {
  const res = await send(
    { method: "PATCH", path: `/api/v1/stations/${id}`, body, headers: { "If-Match": etag } },
    who.owner,
  );
  const json = (await res.json()) as WriteResult;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return { body: json, etag: res.headers.get("ETag") as string };
}

describe("the demo province", () => {
  it("has 23 villages without signal, and a full recompute agrees with what is stored", async () => {
    expect(await progress()).toMatchObject({ villages_total: DEMO_VILLAGES, villages_uncovered: 23 });
    expect(isolated.length).toBeGreaterThanOrEqual(2);
    const dry = await recompute({ dry_run: true });
    expect(dry).toMatchObject({ dry_run: true, villages_considered: DEMO_VILLAGES, changes_count: 0, changes: [] });
  });
});

describe("a station near a village without signal", () => {
  let station: { id: string; etag: string };
  const [first, second] = [() => isolated[0] as Hole, () => isolated[1] as Hole];

  it("covers the village the moment it goes on air, and the province figure drops to 22 in the same cycle", async () => {
    const village = first();
    const created = await send(
      {
        method: "POST",
        path: "/api/v1/stations",
        body: {
          operator_id: "viettel",
          site_code: "HGG-VT-NEW-1",
          lat: village.lat + KM_LAT,
          lon: village.lon,
          technologies: ["2g", "4g"],
          antenna_height_m: 40,
        },
      },
      who.owner,
    );
    expect(created.status).toBe(201);
    station = { id: ((await created.json()) as { id: string }).id, etag: created.headers.get("ETag") as string };
    for (const status of ["permitted", "building"]) {
      const step = await patch(station.id, { status }, station.etag);
      expect(step.body.coverage_changes).toEqual([]);
      station.etag = step.etag;
    }
    expect((await progress()).villages_uncovered).toBe(23);

    const on = await patch(station.id, { status: "on_air" }, station.etag);
    station.etag = on.etag;
    // Neighbours that had signal may gain a better one; of the villages
    // without signal, only this one is within reach.
    expect(fromOrTo(on.body.coverage_changes, "none")).toEqual([[village.code, "none", "good"]]);
    expect(await villageState(village.code)).toBe("good");
    const after = await progress();
    expect(after.villages_uncovered).toBe(22);
    expect(after.villages_covered).toBe(DEMO_VILLAGES - 22);
  });

  it("uncovers it again with an outage: back to 23", async () => {
    const off = await patch(station.id, { status: "outage" }, station.etag);
    station.etag = off.etag;
    expect(fromOrTo(off.body.coverage_changes, "none")).toEqual([[first().code, "good", "none"]]);
    expect((await progress()).villages_uncovered).toBe(23);
    const on = await patch(station.id, { status: "on_air" }, station.etag);
    station.etag = on.etag;
    expect((await progress()).villages_uncovered).toBe(22);
  });

  it("takes its coverage along when it moves", async () => {
    const target = second();
    const moved = await patch(station.id, { lat: target.lat - KM_LAT, lon: target.lon }, station.etag);
    station.etag = moved.etag;
    expect(fromOrTo(moved.body.coverage_changes, "none")).toEqual(
      [
        [first().code, "good", "none"],
        [target.code, "none", "good"],
      ].sort(),
    );
    expect(await villageState(first().code)).toBe("none");
    expect(await villageState(target.code)).toBe("good");
    expect((await progress()).villages_uncovered).toBe(22);
  });

  it("leaves the village uncovered when the station is retired", async () => {
    const res = await send(
      { method: "DELETE", path: `/api/v1/stations/${station.id}`, headers: { "If-Match": station.etag } },
      who.owner,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as WriteResult & { status: string };
    expect(body.status).toBe("decommissioned");
    expect(fromOrTo(body.coverage_changes, "none")).toEqual([[second().code, "good", "none"]]);
    expect((await progress()).villages_uncovered).toBe(23);
  });
});

describe("incremental and full recompute", () => {
  it("agree on the whole province after changes to the demo's own stations", async () => {
    // Stations that are the only signal of some village, so that changing
    // them certainly moves coverage: agreement on no change would prove little.
    const sole = (
      await env.DB.prepare(
        `SELECT s.id, s.lat, s.lon FROM stations s
         WHERE s.status = 'on_air' AND s.operator_id = 'viettel' AND s.id IN (
           SELECT min(station_id) FROM coverage WHERE source = 'computed'
           GROUP BY village_code HAVING count(DISTINCT station_id) = 1)
         ORDER BY s.id LIMIT 3`,
      ).all<{ id: string; lat: number; lon: number }>()
    ).results;
    const [a, b, c] = sole;
    if (!a || !b || !c) throw new Error("the demo has too few Viettel stations that alone cover a village");
    const changes: Change[] = [];
    changes.push(...(await patch(a.id, { status: "outage" }, '"1"')).body.coverage_changes);
    changes.push(...(await patch(b.id, { lat: b.lat + 5 * KM_LAT, lon: b.lon + 0.03 }, '"1"')).body.coverage_changes);
    const retired = await send(
      { method: "DELETE", path: `/api/v1/stations/${c.id}`, headers: { "If-Match": '"1"' } },
      who.owner,
    );
    changes.push(...((await retired.json()) as WriteResult).coverage_changes);
    expect(changes.filter((ch) => ch.to_state === "none").length).toBeGreaterThanOrEqual(3);

    const dry = await recompute({ dry_run: true });
    expect(dry.changes).toEqual([]);
    expect(dry.villages_considered).toBe(DEMO_VILLAGES);
  });

  it("touches only the neighbourhood of a changed station", async () => {
    const db = testDb();
    const [s] = await db.query.stations.findMany({ where: (t, { eq }) => eq(t.status, "on_air"), limit: 1 });
    if (!s) throw new Error("no station on air");
    const plan = await planAround(db, {
      centers: [s],
      changed: [{ ...s, status: "outage" }],
      config: await loadCoverageConfig(db),
      cause: { cause: "test", actor: "test", at: new Date().toISOString() },
    });
    expect(plan.villages_considered).toBeGreaterThan(0);
    expect(plan.villages_considered).toBeLessThan(DEMO_VILLAGES / 10);
    expect(plan.stations_considered).toBeLessThan(2418 / 4);
  });

  it("a real full recompute after incremental changes changes nothing and is audited once", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    const full = await recompute({});
    expect(full).toMatchObject({ dry_run: false, changes_count: 0 });
    const after = await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>();
    expect(after?.n).toBe((before?.n ?? 0) + 1);
  });
});

describe("coverage configuration", () => {
  it("is public", async () => {
    const { status, body } = await getJson("/api/v1/coverage-config");
    expect(status).toBe(200);
    expect(body).toMatchObject(DEFAULT_COVERAGE_CONFIG);
  });

  it("changes with PUT and recomputes every village in the same request", async () => {
    const shorter = { ranges_km: { "2g": 2, "3g": 2, "4g": 1.5, "5g": 0.5 }, good_fraction: 0.5 };
    const baseline = (await progress()).villages_uncovered;
    const res = await send({ method: "PUT", path: "/api/v1/admin/coverage-config", body: shorter }, who.admin);
    const body = (await res.json()) as Recompute & { config: unknown };
    expect(res.status).toBe(200);
    expect(body.config).toEqual(shorter);
    expect(body.changes_count).toBeGreaterThan(0);
    const uncovered = (await progress()).villages_uncovered;
    expect(uncovered).toBe(baseline + body.changes.filter((c) => c.to_state === "none").length);
    expect((await getJson("/api/v1/coverage-config")).body).toMatchObject({
      ...shorter,
      updated_by: expect.stringMatching(/^admin:/),
    });
    // Stations placed under the new ranges are judged by them too.
    expect((await recompute({ dry_run: true })).changes).toEqual([]);

    const back = await send(
      { method: "PUT", path: "/api/v1/admin/coverage-config", body: DEFAULT_COVERAGE_CONFIG },
      who.admin,
    );
    expect(back.status).toBe(200);
    expect((await progress()).villages_uncovered).toBe(baseline);
  });

  it("validates ranges (0.1–50 km per technology) and the good fraction (0–1)", async () => {
    const bad = [
      { ranges_km: { "2g": 0.05, "3g": 4, "4g": 3, "5g": 1 }, good_fraction: 0.6 },
      { ranges_km: { "2g": 51, "3g": 4, "4g": 3, "5g": 1 }, good_fraction: 0.6 },
      { ranges_km: { "2g": 6, "3g": 4, "4g": 3 }, good_fraction: 0.6 },
      { ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1 }, good_fraction: 1.5 },
      { ranges_km: { "2g": 6, "3g": 4, "4g": 3, "5g": 1, "6g": 1 }, good_fraction: 0.5 },
    ];
    for (const body of bad) {
      const res = await send({ method: "PUT", path: "/api/v1/admin/coverage-config", body }, who.admin);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("only the department may change it or recompute", async () => {
    const put: AccessCase = {
      prepare: async () => ({ method: "PUT", path: "/api/v1/admin/coverage-config", body: DEFAULT_COVERAGE_CONFIG }),
      expect: adminOnly(200),
      watch: ["settings", "audit_log", "villages"],
    };
    await checkAccess("PUT /admin/coverage-config", put, who);
    const dry: AccessCase = {
      prepare: async () => ({ method: "POST", path: "/api/v1/admin/recompute", body: { dry_run: true } }),
      expect: adminOnly(200),
      audits: 0,
      watch: ["audit_log", "villages"],
    };
    await checkAccess("POST /admin/recompute", dry, who);
  });
});
