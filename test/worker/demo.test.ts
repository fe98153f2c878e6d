import { beforeAll, describe, expect, it } from "vitest";
import { getJson } from "./helpers/api.ts";
import { seedDemo } from "./helpers/demo.ts";
import { recomputeAll } from "./helpers/factories.ts";

type Progress = {
  villages_total: number;
  villages_covered: number;
  villages_uncovered: number;
  villages_unknown: number;
  coverage_pct: number;
  stations_on_air: number;
  unit: { code: string; era: string };
  scope: { complete: boolean; communes_total: number; communes_with_villages: number; note: string | null };
  by_operator: Array<{ operator_id: string; stations_total: number }>;
};

beforeAll(seedDemo);

describe("the demo province, computed from its records", () => {
  it("reports 98.89 % of Hà Giang's villages covered and 23 without signal", async () => {
    const { status, body } = await getJson<Progress>("/api/v1/progress?unit=02");
    expect(status).toBe(200);
    expect(body.unit).toMatchObject({ code: "02", era: "pre2025" });
    expect(body.villages_uncovered).toBe(23);
    expect(body.villages_unknown).toBe(0);
    expect(body.villages_covered + body.villages_uncovered).toBe(body.villages_total);
    expect(body.coverage_pct).toBe(Math.round((body.villages_covered / body.villages_total) * 10_000) / 100);
    expect(body.coverage_pct).toBe(98.89);
    expect(body.scope.complete).toBe(true);
  });

  it("keeps the stored states equal to what the engine computes from the stations", async () => {
    const plan = await recomputeAll();
    expect(plan.villages_considered).toBeGreaterThan(2000);
    expect(plan.changes).toEqual([]);
  });

  it("says that Tuyên Quang is only partly loaded", async () => {
    const { body } = await getJson<Progress>("/api/v1/progress?unit=08");
    expect(body.unit).toMatchObject({ code: "08", era: "2025" });
    expect(body.villages_uncovered).toBe(23);
    expect(body.scope).toMatchObject({ complete: false, communes_total: 124, communes_with_villages: 73 });
    expect(body.scope.note).toContain("73 of the 124");
  });

  it("adds up: districts of Hà Giang sum to the province", async () => {
    const { body: units } = await getJson<{ data: Array<{ code: string }> }>("/api/v1/units?parent=02");
    expect(units.data).toHaveLength(11);
    let uncovered = 0;
    for (const d of units.data)
      uncovered += (await getJson<Progress>(`/api/v1/progress?unit=${d.code}`)).body.villages_uncovered;
    expect(uncovered).toBe(23);
  });

  it("finds Thôn Lũng Cú with and without diacritics", async () => {
    for (const q of ["lung cu", "Lũng Cú", "LŨNG CÚ"]) {
      const { body } = await getJson<{ data: Array<{ name: string }> }>(`/api/v1/villages?q=${encodeURIComponent(q)}`);
      expect(body.data.map((v) => v.name)).toContain("Thôn Lũng Cú");
    }
  });

  it("lists exactly the uncovered villages, each with its commune", async () => {
    const { body } = await getJson<{
      data: Array<{ coverage_state: string; commune_name: string | null }>;
      total: number;
    }>("/api/v1/villages?coverage=none&limit=1000");
    expect(body.total).toBe(23);
    expect(body.data.every((v) => v.coverage_state === "none" && v.commune_name)).toBe(true);
  });
});
