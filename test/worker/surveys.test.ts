import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import {
  type AccessCase,
  adminOnly,
  checkAccess,
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

type Claim = {
  operator_id: string;
  tech: string;
  source: string;
  level: string;
  effective: boolean;
  measurement_id: number | null;
};
type SurveyResult = {
  measurement: typeof tables.measurements.$inferSelect;
  village: { code: string; coverage_state: string; best_tech: string | null };
  claims: Claim[];
  coverage_changes: Array<{ code: string; from_state: string; to_state: string }>;
};
type Detail = {
  coverage_state: string;
  explanation: { summary: string; claims: Claim[] };
  history: Array<{ cause: string; measurement_id: number | null; from_state: string; to_state: string; actor: string }>;
};

const KM_LAT = 1 / 111.2;
const base = { lat: 23.2, lon: 105.3 };
let who: Principals;
let seq = 0;

// A Viettel 4G-only station on air; villages at its foot are computed "good".
async function coveredVillage() {
  const n = ++seq;
  const at = { lat: base.lat + n * 40 * KM_LAT, lon: base.lon };
  await insertVillages([villageRow({ code: `SV-${n}`, name: `Bản Đo ${n}`, ...at })]);
  await insertStations([stationRow({ site_code: `SV-BTS-${n}`, ...at, technologies: ["4g"] })]);
  await recomputeAll();
  return `SV-${n}`;
}

async function uncoveredVillage(overrides: Partial<typeof tables.villages.$inferInsert> = {}) {
  const n = ++seq;
  await insertVillages([
    villageRow({
      code: `SV-${n}`,
      name: `Thôn Lõm ${n}`,
      lat: base.lat + n * 40 * KM_LAT,
      lon: base.lon,
      ...overrides,
    }),
  ]);
  await recomputeAll();
  return `SV-${n}`;
}

const survey = (overrides: Record<string, unknown> = {}) => ({
  operator_id: "viettel",
  tech: "4g",
  level: "none",
  measured_at: "2025-03-14T09:30:00+07:00",
  signal_dbm: -121,
  device_note: "Đo bằng máy cầm tay",
  ...overrides,
});

function post(code: string, body: unknown, auth = who.admin) {
  return send({ method: "POST", path: `/api/v1/villages/${code}/surveys`, body }, auth);
}

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

describe("who may record surveys", () => {
  it("only the department", async () => {
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: `/api/v1/villages/${await coveredVillage()}/surveys`,
        body: survey(),
      }),
      expect: adminOnly(201),
    };
    await checkAccess("POST surveys", route, who);
  });
});

describe("POST /villages/{code}/surveys", () => {
  it("overrides the computed claim; the explanation shows both and which wins", async () => {
    const code = await coveredVillage();
    expect((await getJson<Detail>(`/api/v1/villages/${code}`)).body.coverage_state).toBe("good");

    const res = await post(code, survey());
    expect(res.status).toBe(201);
    const body = (await res.json()) as SurveyResult;
    expect(body.measurement).toMatchObject({
      village_code: code,
      source: "survey",
      level: "none",
      measured_at: "2025-03-14T02:30:00.000Z",
      distance_m: 0,
      recorded_by: expect.stringMatching(/^admin:department:/),
    });
    expect(body.village).toMatchObject({ code, coverage_state: "none", best_tech: null });
    expect(body.coverage_changes).toEqual([expect.objectContaining({ code, from_state: "good", to_state: "none" })]);

    const detail = (await getJson<Detail>(`/api/v1/villages/${code}`)).body;
    expect(detail.coverage_state).toBe("none");
    const claims = detail.explanation.claims.filter((c) => c.operator_id === "viettel" && c.tech === "4g");
    expect(claims).toEqual([
      expect.objectContaining({ source: "computed", level: "good", effective: false }),
      expect.objectContaining({
        source: "survey",
        level: "none",
        effective: true,
        measurement_id: body.measurement.id,
      }),
    ]);
    expect(detail.history[0]).toMatchObject({
      cause: "survey",
      measurement_id: body.measurement.id,
      from_state: "good",
      to_state: "none",
      actor: body.measurement.recorded_by,
    });
  });

  it("turns an uncovered village covered and moves the progress figure in the same request", async () => {
    const code = await uncoveredVillage();
    const before = (await getJson<{ villages_uncovered: number; villages_covered: number }>("/api/v1/progress?unit=99"))
      .body;
    const res = await post(code, survey({ operator_id: "mobifone", tech: "2g", level: "weak", signal_dbm: -101 }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as SurveyResult).village).toMatchObject({ coverage_state: "weak", best_tech: "2g" });
    const after = (await getJson<{ villages_uncovered: number; villages_covered: number }>("/api/v1/progress?unit=99"))
      .body;
    expect(after.villages_uncovered).toBe(before.villages_uncovered - 1);
    expect(after.villages_covered).toBe(before.villages_covered + 1);
  });

  it("keeps the latest survey as the claim when an older one is entered late", async () => {
    const code = await coveredVillage();
    const recent = (await (await post(code, survey({ measured_at: "2025-05-01T08:00:00Z" }))).json()) as SurveyResult;
    const late = await post(code, survey({ level: "good", measured_at: "2024-11-01T08:00:00Z" }));
    expect(late.status).toBe(201);
    const body = (await late.json()) as SurveyResult;
    expect(body.village.coverage_state).toBe("none");
    expect(body.claims.find((c) => c.source === "survey")).toMatchObject({
      level: "none",
      measurement_id: recent.measurement.id,
    });
    const stored = await testDb().select().from(tables.measurements).where(eq(tables.measurements.village_code, code));
    expect(stored).toHaveLength(2);
  });

  it("replaces an older survey with a newer one", async () => {
    const code = await coveredVillage();
    await post(code, survey({ measured_at: "2025-01-01T08:00:00Z" }));
    const newer = (await (
      await post(code, survey({ level: "good", measured_at: "2025-06-01T08:00:00Z" }))
    ).json()) as SurveyResult;
    expect(newer.village.coverage_state).toBe("good");
    const surveyClaims = await testDb()
      .select()
      .from(tables.coverage)
      .where(and(eq(tables.coverage.village_code, code), eq(tables.coverage.source, "survey")));
    expect(surveyClaims).toEqual([expect.objectContaining({ level: "good", measurement_id: newer.measurement.id })]);
  });

  it("writes exactly one audit entry naming the measurement", async () => {
    const code = await coveredVillage();
    const count = async () => (await testDb().select().from(tables.audit_log)).length;
    const before = await count();
    const body = (await (
      await post(code, survey({ lat: base.lat + 0.001, lon: base.lon + 0.001 }))
    ).json()) as SurveyResult;
    expect(await count()).toBe(before + 1);
    const [entry] = await testDb()
      .select()
      .from(tables.audit_log)
      .where(
        and(
          eq(tables.audit_log.entity_type, "measurement"),
          eq(tables.audit_log.entity_id, String(body.measurement.id)),
        ),
      );
    expect(entry).toMatchObject({ action: "create", actor_role: "admin" });
    expect(body.measurement.distance_m).toBeGreaterThan(0);
  });

  it("rejects a future date, a missing position and an unknown village or operator, changing nothing", async () => {
    const located = await coveredVillage();
    const unlocated = await uncoveredVillage({ lat: null, lon: null });
    const before = await snapshot();
    const future = await post(located, survey({ measured_at: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(future.status).toBe(400);
    expect(((await future.json()) as Problem).errors).toEqual([
      expect.objectContaining({ field: "measured_at", location: "body", problem: "must not be in the future" }),
    ]);
    const nowhere = await post(unlocated, survey());
    expect(nowhere.status).toBe(400);
    expect(((await nowhere.json()) as Problem).errors?.[0]).toMatchObject({ field: "lat" });
    expect((await post("NO-SUCH", survey())).status).toBe(404);
    expect((await post(located, survey({ operator_id: "sfone" }))).status).toBe(422);
    expect((await post(located, survey({ level: "excellent", lat: 1 }))).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it("records a survey of an unlocated village at the position given", async () => {
    const code = await uncoveredVillage({ lat: null, lon: null });
    const res = await post(code, survey({ level: "good", lat: 22.9, lon: 105.1 }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as SurveyResult;
    expect(body.measurement).toMatchObject({ lat: 22.9, lon: 105.1, distance_m: null });
    expect(body.village).toMatchObject({ coverage_state: "good", best_tech: "4g" });
  });
});
