import { beforeAll, describe, expect, it } from "vitest";
import { EVIDENCE_RADIUS_M, EVIDENCE_WINDOW_DAYS } from "../../worker/domain/evidence.ts";
import { type Principals, principals, send } from "./helpers/access.ts";
import { getJson } from "./helpers/api.ts";
import {
  coveredVillage,
  daysAgo,
  fromAddress,
  type MeasurementResult,
  north,
  postMeasurement,
  reading,
  uncoveredVillage,
} from "./helpers/evidence.ts";
import { seedBase } from "./helpers/factories.ts";

type Evidence = { state: string; last_measured_at: string | null; age_days: number | null; stale: boolean };
type Village = { code: string; coverage_state: string; evidence: Evidence };
type Progress = {
  villages_total: number;
  villages_covered: number;
  villages_verified: number;
  villages_unverified: number;
  coverage_pct: number | null;
  coverage_pct_verified: number | null;
};

let who: Principals;

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

const evidenceOf = async (code: string) => (await getJson<Village>(`/api/v1/villages/${code}`)).body.evidence;
const progress = async () => (await getJson<Progress>("/api/v1/progress?unit=99")).body;

async function measure(at: { lat: number; lon: number }, overrides: Record<string, unknown> = {}, auth = who.owner) {
  const res = await postMeasurement(reading(at, overrides), { auth });
  expect(res.status).toBe(201);
  return (await res.json()) as MeasurementResult;
}

describe("verification", () => {
  it("a computed claim alone is covered but unverified", async () => {
    const v = await coveredVillage();
    expect(await evidenceOf(v.code)).toEqual({
      state: "unverified",
      last_measured_at: null,
      age_days: null,
      stale: false,
    });
  });

  it("a field reading of signal at the village verifies it, in the same request", async () => {
    const v = await coveredVillage();
    const before = await progress();
    const measuredAt = daysAgo(3);
    const result = await measure(north(v, 200), { measured_at: measuredAt, level: "weak" });
    expect(result.counts_as).toBe("verification");
    expect(await evidenceOf(v.code)).toEqual({
      state: "verified",
      last_measured_at: measuredAt,
      age_days: 3,
      stale: false,
    });
    const after = await progress();
    expect(after.villages_verified).toBe(before.villages_verified + 1);
    expect(after.villages_unverified).toBe(before.villages_unverified - 1);
    expect(after.villages_covered).toBe(before.villages_covered);
    expect(after.coverage_pct).toBe(before.coverage_pct);
    expect(after.coverage_pct_verified).toBe(
      Math.round((after.villages_verified / after.villages_total) * 10_000) / 100,
    );
  });

  it("keeps the latest verification, whatever order readings arrive in", async () => {
    const v = await coveredVillage();
    const recent = daysAgo(2);
    await measure(v, { measured_at: recent });
    await measure(v, { measured_at: daysAgo(40) });
    expect(await evidenceOf(v.code)).toMatchObject({ state: "verified", last_measured_at: recent, age_days: 2 });
  });

  it(`does not verify from farther than ${EVIDENCE_RADIUS_M} m, from the public, or with "no signal"`, async () => {
    const v = await coveredVillage();
    expect((await measure(north(v, EVIDENCE_RADIUS_M + 50))).counts_as).toBeNull();
    const fromPublic = await postMeasurement(reading(v), { headers: fromAddress("203.0.113.90") });
    expect(((await fromPublic.json()) as MeasurementResult).counts_as).toBeNull();
    expect((await measure(v, { level: "none" })).counts_as).toBe("report");
    expect((await evidenceOf(v.code)).state).toBe("unverified");
  });

  it(`a verification older than ${EVIDENCE_WINDOW_DAYS} days leaves the village stale`, async () => {
    const v = await coveredVillage();
    await measure(v, { measured_at: daysAgo(EVIDENCE_WINDOW_DAYS + 20) });
    expect(await evidenceOf(v.code)).toMatchObject({
      state: "unverified",
      stale: true,
      age_days: EVIDENCE_WINDOW_DAYS + 20,
    });
  });

  it("a survey's reading of signal verifies, and its later 'none' overrules earlier readings", async () => {
    const v = await coveredVillage();
    const survey = (body: Record<string, unknown>) =>
      send({ method: "POST", path: `/api/v1/villages/${v.code}/surveys`, body }, who.admin);
    const good = await survey({ operator_id: "viettel", tech: "4g", level: "good", measured_at: daysAgo(5) });
    expect(good.status).toBe(201);
    expect(await evidenceOf(v.code)).toMatchObject({ state: "verified", age_days: 5 });

    await measure(v, { measured_at: daysAgo(4) });
    const none = await survey({ operator_id: "viettel", tech: "4g", level: "none", measured_at: daysAgo(1) });
    expect(none.status).toBe(201);
    const detail = (await getJson<Village>(`/api/v1/villages/${v.code}`)).body;
    expect(detail.coverage_state).toBe("none");
    expect(detail.evidence).toEqual({ state: "none", last_measured_at: null, age_days: null, stale: false });
  });

  it("a reading at a village without coverage is kept but verifies nothing", async () => {
    const v = await uncoveredVillage();
    await measure(v);
    expect((await evidenceOf(v.code)).state).toBe("none");
  });
});

describe("filters and figures", () => {
  it("filters villages by evidence state and staleness, in agreement with each village's evidence", async () => {
    const stale = await coveredVillage("ST");
    await measure(stale, { measured_at: daysAgo(EVIDENCE_WINDOW_DAYS + 1) });
    const fresh = await coveredVillage("ST");
    await measure(fresh, { measured_at: daysAgo(1) });

    const all = (await getJson<{ data: Village[] }>("/api/v1/villages?unit=99&limit=1000")).body.data;
    for (const [query, keep] of [
      ["stale=true", (v: Village) => v.evidence.stale],
      ["stale=false", (v: Village) => !v.evidence.stale],
      ["evidence=verified", (v: Village) => v.evidence.state === "verified"],
      ["evidence=unverified", (v: Village) => v.evidence.state === "unverified"],
      ["evidence=none", (v: Village) => v.evidence.state === "none"],
    ] as const) {
      const { status, body } = await getJson<{ data: Village[]; total: number }>(
        `/api/v1/villages?unit=99&limit=1000&${query}`,
      );
      expect(status, query).toBe(200);
      expect(body.data.map((v) => v.code).sort(), query).toEqual(
        all
          .filter(keep)
          .map((v) => v.code)
          .sort(),
      );
    }
    const staleCodes = (await getJson<{ data: Village[] }>("/api/v1/villages?unit=99&stale=true")).body.data.map(
      (v) => v.code,
    );
    expect(staleCodes).toContain(stale.code);
    expect(staleCodes).not.toContain(fresh.code);
    expect((await getJson("/api/v1/villages?stale=maybe")).status).toBe(400);
  });

  it("progress counts verified and unverified villages from the same rule as the list", async () => {
    const p = await progress();
    const list = (await getJson<{ data: Village[] }>("/api/v1/villages?unit=99&limit=1000")).body.data;
    expect(p.villages_verified).toBe(list.filter((v) => v.evidence.state === "verified").length);
    expect(p.villages_unverified).toBe(list.filter((v) => v.evidence.state === "unverified").length);
    expect(p.villages_verified + p.villages_unverified).toBe(p.villages_covered);
    expect(p.villages_verified).toBeGreaterThan(0);
  });

  it("the map's rows carry each village's evidence, as its detail states it", async () => {
    const verified = await coveredVillage();
    await measure(verified, { measured_at: daysAgo(2) });
    const stale = await coveredVillage();
    await measure(stale, { measured_at: daysAgo(EVIDENCE_WINDOW_DAYS + 5) });
    const unverified = await coveredVillage();
    const none = await uncoveredVillage();
    const rows = (
      await getJson<{ columns: string[]; villages: Array<[string, number, number, string, string | null, string]> }>(
        "/api/v1/map/villages?unit=99",
      )
    ).body;
    expect(rows.columns.at(-1)).toBe("evidence");
    const mark = new Map(rows.villages.map((r) => [r[0], r[5]]));
    expect([verified, stale, unverified, none].map((v) => mark.get(v.code))).toEqual([
      "verified",
      "stale",
      "unverified",
      "none",
    ]);
    for (const [code, m] of mark) {
      const e = await evidenceOf(code);
      expect(m).toBe(e.stale ? "stale" : e.state);
    }
  });

  it("exports carry the evidence too", async () => {
    const res = await send({ method: "GET", path: "/api/v1/export/villages.csv?unit=99&evidence=verified" }, {});
    const [header, ...lines] = (await res.text())
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\r\n");
    expect(header).toContain("evidence_state");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain("verified");
  });
});
