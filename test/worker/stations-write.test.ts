import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { expectVersion, isStaleVersion } from "../../worker/data/version-guard.ts";
import {
  type AccessCase,
  checkAccess,
  ownedBy,
  type Principals,
  principals,
  send,
  snapshot,
} from "./helpers/access.ts";
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

type Station = typeof tables.stations.$inferSelect;
type WriteResult = Station & {
  coverage_changes: Array<{ code: string; from_state: string; to_state: string; to_best_tech: string | null }>;
};
type Allowed = Problem & { allowed: string[] };

const KM_LAT = 1 / 111.2;
const base = { lat: 23.2, lon: 105.3 };
// Two villages 20 km apart in different communes: a station placed at one
// takes that one's units, and covers nothing of the other.
const home = villageRow({ code: "W-01", name: "Thôn Nhà", ...base });
const away = villageRow({
  code: "W-02",
  name: "Thôn Xa",
  lat: base.lat + 20 * KM_LAT,
  lon: base.lon,
  commune_code: "98002",
  old_commune_code: "99102",
});

let who: Principals;
let seq = 0;

beforeAll(async () => {
  await seedBase();
  await insertVillages([home, away]);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

// A fresh Viettel station at the home village, straight into the database.
async function station(overrides: Partial<Station> = {}): Promise<Station> {
  const [row] = await insertStations([
    stationRow({ site_code: `WR-${++seq}`, ...base, status: "planned", on_air_at: null, ...overrides }),
  ]);
  return (
    await testDb()
      .select()
      .from(tables.stations)
      .where(eq(tables.stations.id, row?.id as string))
  )[0] as Station;
}

function patch(
  id: string,
  body: unknown,
  etag: string | undefined,
  auth = who.owner,
  extra: Record<string, string> = {},
) {
  return send(
    {
      method: "PATCH",
      path: `/api/v1/stations/${id}`,
      body,
      headers: { ...(etag ? { "If-Match": etag } : {}), ...extra },
    },
    auth,
  );
}

const newStation = (overrides: Record<string, unknown> = {}) => ({
  operator_id: "viettel",
  site_code: `NEW-${++seq}`,
  name: "BTS Nhà",
  lat: base.lat + 0.002,
  lon: base.lon,
  technologies: ["4g", "2g"],
  antenna_height_m: 30,
  planned_on_air_date: "2027-03-31",
  ...overrides,
});

async function auditOf(id: string) {
  return testDb().select().from(tables.audit_log).where(eq(tables.audit_log.entity_id, id));
}

describe("who may write stations", () => {
  it("POST /stations: operators for themselves, the department for anyone", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "POST", path: "/api/v1/stations", body: newStation() }),
      expect: ownedBy(who, 201),
    };
    await checkAccess("POST /stations", route, who);
  });

  it("PATCH /stations/{id}: only the owning operator and the department", async () => {
    const route: AccessCase = {
      prepare: async () => {
        const s = await station();
        return {
          method: "PATCH",
          path: `/api/v1/stations/${s.id}`,
          body: { status: "permitted" },
          headers: { "If-Match": '"1"' },
        };
      },
      expect: ownedBy(who, 200),
    };
    await checkAccess("PATCH /stations/{id}", route, who);
  });

  it("DELETE /stations/{id}: only the owning operator and the department", async () => {
    const route: AccessCase = {
      prepare: async () => {
        const s = await station({ status: "on_air", on_air_at: "2024-01-01" });
        return { method: "DELETE", path: `/api/v1/stations/${s.id}`, headers: { "If-Match": '"1"' } };
      },
      expect: ownedBy(who, 200),
    };
    await checkAccess("DELETE /stations/{id}", route, who);
  });
});

describe("POST /api/v1/stations", () => {
  it("registers a planned station with the units of the nearest village, an ETag and one audit entry", async () => {
    const input = newStation({ lat: away.lat, lon: (away.lon as number) + 0.001 });
    const res = await send({ method: "POST", path: "/api/v1/stations", body: input }, who.owner);
    const body = (await res.json()) as Station;
    expect(res.status).toBe(201);
    expect(res.headers.get("ETag")).toBe('"1"');
    expect(res.headers.get("Location")).toBe(`/api/v1/stations/${body.id}`);
    expect(body).toMatchObject({
      operator_id: "viettel",
      status: "planned",
      technologies: ["2g", "4g"],
      commune_code: "98002",
      old_commune_code: "99102",
      old_district_code: "991",
      version: 1,
      synthetic: false,
    });
    expect(body.planned_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.created_by).toMatch(/^operator:viettel:tok_/);
    const { body: stored } = await getJson<Station>(`/api/v1/stations/${body.id}`);
    expect(stored).toEqual(body);
    const audit = await auditOf(body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", entity_type: "station", before: null, after: body });
    expect(audit[0]?.request_id).toEqual(expect.any(String));
  });

  it("refuses a second station with the same operator and site code, and changes nothing", async () => {
    const input = newStation();
    expect((await send({ method: "POST", path: "/api/v1/stations", body: input }, who.owner)).status).toBe(201);
    const before = await snapshot();
    const res = await send({ method: "POST", path: "/api/v1/stations", body: { ...input, lat: 23.21 } }, who.admin);
    const body = (await res.json()) as Problem & { station_id: string };
    expect(res.status).toBe(409);
    expect(body.detail).toContain(input.site_code);
    expect(body.station_id).toMatch(/^st-/);
    expect(await snapshot()).toEqual(before);
    // Another operator may use the same site code.
    const mine = await send(
      { method: "POST", path: "/api/v1/stations", body: { ...input, operator_id: "vinaphone" } },
      who.other,
    );
    expect(mine.status).toBe(201);
  });

  it("lets exactly one of several concurrent registrations of a site win", async () => {
    const input = newStation();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => send({ method: "POST", path: "/api/v1/stations", body: input }, who.owner)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const rows = await testDb().select().from(tables.stations).where(eq(tables.stations.site_code, input.site_code));
    expect(rows).toHaveLength(1);
    expect(await auditOf(rows[0]?.id as string)).toHaveLength(1);
  });

  it("validates the body field by field", async () => {
    const res = await send(
      {
        method: "POST",
        path: "/api/v1/stations",
        body: newStation({
          lat: 91,
          lon: -181,
          technologies: ["4g", "4g"],
          antenna_height_m: 301,
          planned_on_air_date: "soon",
          colour: "red",
        }),
      },
      who.owner,
    );
    const body = (await res.json()) as Problem;
    expect(res.status).toBe(400);
    const fields = body.errors?.map((e) => e.field) ?? [];
    expect(fields).toEqual(
      expect.arrayContaining(["lat", "lon", "technologies", "antenna_height_m", "planned_on_air_date"]),
    );
    expect(fields).toContain("colour");
    const empty = await send(
      { method: "POST", path: "/api/v1/stations", body: newStation({ technologies: [] }) },
      who.owner,
    );
    expect(empty.status).toBe(400);
  });

  it("refuses a station far from every village and an unknown operator with 422", async () => {
    const far = await send(
      { method: "POST", path: "/api/v1/stations", body: newStation({ lat: 10, lon: 106 }) },
      who.owner,
    );
    expect(far.status).toBe(422);
    expect(((await far.json()) as Problem).detail).toContain("swapped");
    const unknown = await send(
      { method: "POST", path: "/api/v1/stations", body: newStation({ operator_id: "gmobile" }) },
      who.admin,
    );
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as Problem).detail).toContain("viettel");
  });
});

describe("the lifecycle through PATCH", () => {
  it("walks planned → permitted → building → on_air ⇄ outage → decommissioned, dating each step", async () => {
    const s = await station();
    let etag = '"1"';
    const dates: Record<string, keyof Station> = {
      permitted: "permitted_at",
      building: "building_at",
      on_air: "on_air_at",
      outage: "outage_at",
      decommissioned: "decommissioned_at",
    };
    for (const status of ["permitted", "building", "on_air", "outage", "on_air", "outage", "decommissioned"]) {
      const res = await patch(s.id, { status }, etag);
      const body = (await res.json()) as WriteResult;
      expect(res.status, `${status}: ${JSON.stringify(body)}`).toBe(200);
      expect(body.status).toBe(status);
      expect(body[dates[status] as keyof Station]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      etag = res.headers.get("ETag") as string;
      expect(etag).toBe(`"${body.version}"`);
    }
    expect(etag).toBe('"8"');
    const audit = await auditOf(s.id);
    expect(audit.map((a) => a.action)).toEqual([...Array(6).fill("update"), "retire"]);
  });

  it("refuses an illegal move with 409 naming the allowed next states, and changes nothing", async () => {
    const cases: Array<[Partial<Station>, string, string[]]> = [
      [{ status: "planned" }, "on_air", ["permitted", "decommissioned"]],
      [{ status: "permitted" }, "planned", ["building", "decommissioned"]],
      [{ status: "building" }, "outage", ["on_air", "decommissioned"]],
      [{ status: "on_air", on_air_at: "2024-01-01" }, "building", ["outage", "decommissioned"]],
      [{ status: "outage", on_air_at: "2024-01-01" }, "permitted", ["on_air", "decommissioned"]],
      [{ status: "decommissioned", decommissioned_at: "2024-01-01" }, "on_air", []],
    ];
    for (const [state, to, allowed] of cases) {
      const s = await station(state);
      const before = await snapshot();
      const res = await patch(s.id, { status: to }, '"1"');
      const body = (await res.json()) as Allowed;
      expect(res.status, `${state.status} → ${to}`).toBe(409);
      expect(body.allowed).toEqual(allowed);
      expect(body.detail).toContain(allowed.length ? allowed.join(", ") : "final");
      expect(await snapshot()).toEqual(before);
    }
  });

  it("keeps a decommissioned station as it is: no field changes, and retiring again is a no-op", async () => {
    const s = await station({ status: "decommissioned", decommissioned_at: "2024-01-01" });
    const res = await patch(s.id, { name: "Sống lại" }, '"1"');
    expect(res.status).toBe(409);
    expect(((await res.json()) as Allowed).allowed).toEqual([]);
    const again = await send(
      { method: "DELETE", path: `/api/v1/stations/${s.id}`, headers: { "If-Match": '"1"' } },
      who.owner,
    );
    expect(again.status).toBe(200);
    expect(((await again.json()) as WriteResult).version).toBe(1);
    expect(await auditOf(s.id)).toHaveLength(0);
  });

  it("treats values the station already has as no change: no new version, no audit entry", async () => {
    const s = await station();
    const res = await patch(s.id, { status: "planned", technologies: ["4g", "2g"], lat: s.lat }, '"1"');
    const body = (await res.json()) as WriteResult;
    expect(res.status).toBe(200);
    expect(body.version).toBe(1);
    expect(body.coverage_changes).toEqual([]);
    expect(await auditOf(s.id)).toHaveLength(0);
  });

  it("changes name, height, planned date and technologies of a planned station without touching coverage", async () => {
    const s = await station();
    const before = await snapshot(["coverage", "villages", "village_events"]);
    const res = await patch(
      s.id,
      { name: "BTS Mới", antenna_height_m: 42, planned_on_air_date: "2027-06-30", technologies: ["5g", "4g"] },
      '"1"',
    );
    const body = (await res.json()) as WriteResult;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      name: "BTS Mới",
      antenna_height_m: 42,
      planned_on_air_date: "2027-06-30",
      technologies: ["4g", "5g"],
      version: 2,
    });
    expect(body.updated_by).toMatch(/^operator:viettel:/);
    expect(await snapshot(["coverage", "villages", "village_events"])).toEqual(before);
  });

  it("validates the patch: unknown fields, nothing to change, bad values", async () => {
    const s = await station();
    for (const body of [{ colour: "red" }, {}, { status: "flying" }, { lat: 200 }, { technologies: [] }]) {
      const res = await patch(s.id, body, '"1"');
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as Problem).errors?.length).toBeGreaterThan(0);
    }
  });

  it("answers 404 for a station that does not exist", async () => {
    const res = await patch("st-nope", { status: "permitted" }, '"1"');
    expect(res.status).toBe(404);
  });
});

describe("conflict detection with If-Match", () => {
  it("requires If-Match (428) and refuses a stale one (412), changing nothing", async () => {
    const s = await station();
    const before = await snapshot();
    const missing = await patch(s.id, { status: "permitted" }, undefined);
    expect(missing.status).toBe(428);
    expect(((await missing.json()) as Problem).detail).toContain('"1"');
    const stale = await patch(s.id, { status: "permitted" }, '"7"');
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ current_etag: '"1"' });
    const retire = await send({ method: "DELETE", path: `/api/v1/stations/${s.id}` }, who.owner);
    expect(retire.status).toBe(428);
    expect(await snapshot()).toEqual(before);
  });

  it("lets exactly one of two writers holding the same ETag win", async () => {
    const s = await station();
    const first = await patch(s.id, { name: "A" }, '"1"');
    const second = await patch(s.id, { name: "B" }, '"1"', who.admin);
    expect(first.status).toBe(200);
    expect(second.status).toBe(412);
    const { body } = await getJson<Station>(`/api/v1/stations/${s.id}`);
    expect(body).toMatchObject({ name: "A", version: 2 });
  });

  it("lets exactly one of many concurrent writers win, with one audit entry", async () => {
    const s = await station();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => patch(s.id, { name: `N${i}` }, '"1"', i % 2 ? who.admin : who.owner)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = (await results.find((r) => r.status === 200)?.json()) as Station;
    const { body } = await getJson<Station>(`/api/v1/stations/${s.id}`);
    expect(body).toMatchObject({ name: winner.name, version: 2 });
    expect(await auditOf(s.id)).toHaveLength(1);
  });

  it("rolls back the whole batch when the row moved between read and write", async () => {
    // The race the HTTP tests cannot time: another writer commits after this
    // request read version 1 and before its batch runs.
    const s = await station();
    const db = testDb();
    await db.update(tables.stations).set({ version: 2 }).where(eq(tables.stations.id, s.id));
    const entry = {
      at: "2026-01-01T00:00:00.000Z",
      actor: "t",
      actor_role: "admin",
      action: "x",
      entity_type: "station",
      entity_id: s.id,
    };
    const stale = db.batch([
      expectVersion(db, tables.stations, s.id, 1),
      db.update(tables.stations).set({ name: "lost" }).where(eq(tables.stations.id, s.id)),
      db.insert(tables.audit_log).values(entry),
    ]);
    const err = await stale.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStaleVersion(err)).toBe(true);
    expect(await auditOf(s.id)).toHaveLength(0);
    expect((await getJson<Station>(`/api/v1/stations/${s.id}`)).body.name).toBe(s.name);

    await db.batch([expectVersion(db, tables.stations, s.id, 2), db.insert(tables.audit_log).values(entry)]);
    expect(await auditOf(s.id)).toHaveLength(1);
  });

  it("accepts the weak form of the ETag that compressing proxies produce, and a list of ETags", async () => {
    const s = await station();
    expect((await patch(s.id, { name: "W" }, 'W/"1"')).status).toBe(200);
    expect((await patch(s.id, { name: "L" }, '"9", "2"')).status).toBe(200);
  });
});

describe("coverage follows station changes", () => {
  it("turns the village covered when its station goes on air, and back when it fails", async () => {
    const s = await station({ status: "building", lat: away.lat as number, lon: (away.lon as number) + 0.005 });
    const village = async () => (await getJson<{ coverage_state: string }>(`/api/v1/villages/${away.code}`)).body;
    expect((await village()).coverage_state).toBe("none");

    const on = await patch(s.id, { status: "on_air" }, '"1"');
    const onBody = (await on.json()) as WriteResult;
    expect(on.status).toBe(200);
    expect(onBody.coverage_changes).toEqual([
      { code: away.code, from_state: "none", to_state: "good", from_best_tech: null, to_best_tech: "4g" },
    ]);
    expect((await village()).coverage_state).toBe("good");
    const events = await testDb()
      .select()
      .from(tables.village_events)
      .where(eq(tables.village_events.village_code, away.code));
    expect(events.at(-1)).toMatchObject({
      station_id: s.id,
      to_state: "good",
      cause: expect.stringContaining("building → on_air"),
    });

    const off = await patch(s.id, { status: "outage" }, on.headers.get("ETag") as string);
    expect(((await off.json()) as WriteResult).coverage_changes).toEqual([
      { code: away.code, from_state: "good", to_state: "none", from_best_tech: "4g", to_best_tech: null },
    ]);
    expect((await village()).coverage_state).toBe("none");
  });

  it("moves coverage with a station that moves, and re-places the station in its new commune", async () => {
    const s = await station({
      status: "on_air",
      on_air_at: "2024-01-01",
      lat: away.lat as number,
      lon: away.lon as number,
    });
    await recomputeAll();
    const res = await patch(s.id, { lat: (home.lat as number) + 0.001, lon: home.lon }, '"1"');
    const body = (await res.json()) as WriteResult;
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ commune_code: "99101", old_commune_code: "99101" });
    expect(body.coverage_changes.map((c) => [c.code, c.to_state])).toEqual([[away.code, "none"]]);
    const { body: stored } = await getJson<{ coverage_state: string }>(`/api/v1/villages/${away.code}`);
    expect(stored.coverage_state).toBe("none");
    // Clean up so that later tests start from the same coverage.
    await patch(s.id, { status: "decommissioned" }, '"2"');
  });
});

describe("Idempotency-Key", () => {
  it("refuses the same key with another body, naming it, and changes nothing", async () => {
    const s = await station();
    const key = { "Idempotency-Key": `kb-${s.id}` };
    expect((await patch(s.id, { status: "permitted" }, '"1"', who.owner, key)).status).toBe(200);
    const other = await patch(s.id, { name: "Trạm khác" }, '"1"', who.owner, key);
    expect(other.status).toBe(422);
    const problem = (await other.json()) as { type: string; detail: string; errors: unknown[] };
    expect(problem.type).toBe("/docs#problem-idempotency-key-reused");
    expect(problem.detail).toMatch(/different body/);
    expect(problem.errors).toEqual([expect.objectContaining({ field: "Idempotency-Key", location: "header" })]);
    const { body } = await getJson<Station>(`/api/v1/stations/${s.id}`);
    expect(body).toMatchObject({ version: 2, status: "permitted" });
    expect(await auditOf(s.id)).toHaveLength(1);
  });

  it("replays the first response to a retried PATCH, with one change and one audit entry", async () => {
    const s = await station();
    const key = { "Idempotency-Key": `k-${s.id}` };
    const first = await patch(s.id, { status: "permitted" }, '"1"', who.owner, key);
    const firstBody = await first.text();
    const retry = await patch(s.id, { status: "permitted" }, '"1"', who.owner, key);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(retry.headers.get("ETag")).toBe('"2"');
    expect(await retry.text()).toBe(firstBody);
    expect(await auditOf(s.id)).toHaveLength(1);
    const { body } = await getJson<Station>(`/api/v1/stations/${s.id}`);
    expect(body.version).toBe(2);
  });

  it("replays a retried POST instead of reporting a duplicate", async () => {
    const input = newStation();
    const key = { "Idempotency-Key": `create-${input.site_code}` };
    const first = await send({ method: "POST", path: "/api/v1/stations", body: input, headers: key }, who.owner);
    const retry = await send({ method: "POST", path: "/api/v1/stations", body: input, headers: key }, who.owner);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(await first.json());
    const rows = await testDb().select().from(tables.stations).where(eq(tables.stations.site_code, input.site_code));
    expect(rows).toHaveLength(1);
  });

  it("settles concurrent twins with the same key on one change", async () => {
    const s = await station();
    const key = { "Idempotency-Key": `twins-${s.id}` };
    const [a, b] = await Promise.all([
      patch(s.id, { status: "permitted" }, '"1"', who.owner, key),
      patch(s.id, { status: "permitted" }, '"1"', who.owner, key),
    ]);
    expect([a?.status, b?.status]).toEqual([200, 200]);
    expect(await a?.json()).toEqual(await b?.json());
    expect(await auditOf(s.id)).toHaveLength(1);
  });

  it("refuses a key reused for another request with 422, and keys are per token", async () => {
    const s = await station();
    const t = await station();
    const key = { "Idempotency-Key": `reuse-${s.id}` };
    expect((await patch(s.id, { name: "X" }, '"1"', who.owner, key)).status).toBe(200);
    const before = await snapshot();
    const reused = await patch(t.id, { name: "X" }, '"1"', who.owner, key);
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as Problem).detail).toContain(`/api/v1/stations/${s.id}`);
    expect(await snapshot()).toEqual(before);
    // The department's token has its own keys.
    expect((await patch(t.id, { name: "Y" }, '"1"', who.admin, key)).status).toBe(200);
  });

  it("does not store refusals: a retry after fixing If-Match goes through", async () => {
    const s = await station();
    const key = { "Idempotency-Key": `fix-${s.id}` };
    expect((await patch(s.id, { status: "permitted" }, '"5"', who.owner, key)).status).toBe(412);
    expect((await patch(s.id, { status: "permitted" }, '"1"', who.owner, key)).status).toBe(200);
  });

  it("replays a response that changed nothing, stored after the fact", async () => {
    const s = await station();
    const key = { "Idempotency-Key": `noop-${s.id}` };
    const first = await patch(s.id, { status: "planned" }, '"1"', who.owner, key);
    expect(first.status).toBe(200);
    const retry = await patch(s.id, { status: "planned" }, '"1"', who.owner, key);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
  });

  it("rejects a malformed key", async () => {
    const s = await station();
    const res = await patch(s.id, { name: "Z" }, '"1"', who.owner, { "Idempotency-Key": "has spaces in it" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors?.[0]).toMatchObject({ field: "Idempotency-Key", location: "header" });
  });
});

describe("the OpenAPI document", () => {
  it("lists the write routes with bearer security", async () => {
    const { body } = await getJson<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    }>("/api/v1/openapi.json");
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    expect(body.paths["/api/v1/stations"]?.post?.security).toEqual([{ bearer: [] }]);
    expect(body.paths["/api/v1/stations/{id}"]?.patch?.security).toEqual([{ bearer: [] }]);
    expect(body.paths["/api/v1/stations/{id}"]?.delete?.security).toEqual([{ bearer: [] }]);
    expect(body.paths["/api/v1/stations/{id}"]?.get?.security).toBeUndefined();
  });
});
