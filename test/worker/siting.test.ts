import { beforeAll, describe, expect, it } from "vitest";
import { distanceMeters } from "../../worker/domain/geo.ts";
import { type AccessCase, checkAccess, principals, snapshot } from "./helpers/access.ts";
import { getJson } from "./helpers/api.ts";
import { seedDemo } from "./helpers/demo.ts";

type Siting = {
  tech: string;
  range_km: number;
  villages_uncovered: number;
  villages_covered_by_suggestions: number;
  suggestions: Array<{ lat: number; lon: number; covers: string[]; households: number }>;
};
type Village = { code: string; lat: number; lon: number; households: number | null; coverage_state: string };

beforeAll(seedDemo);

async function uncovered(unit: string): Promise<Map<string, Village>> {
  const { body } = await getJson<{ data: Village[] }>(`/api/v1/villages?unit=${unit}&coverage=none&limit=1000`);
  return new Map(body.data.map((v) => [v.code, v]));
}

describe("GET /siting/suggestions", () => {
  it("suggests sites that cover the villages they claim, with the range in use, each village once", async () => {
    const { status, body } = await getJson<Siting>("/api/v1/siting/suggestions?unit=02&max_sites=50");
    expect(status).toBe(200);
    const config = (await getJson<{ ranges_km: Record<string, number> }>("/api/v1/coverage-config")).body;
    expect(body).toMatchObject({ tech: "4g", range_km: config.ranges_km["4g"] });

    const targets = await uncovered("02");
    expect(body.villages_uncovered).toBe(23);
    expect(body.villages_uncovered).toBe(targets.size);
    const seen = new Set<string>();
    for (const site of body.suggestions) {
      let households = 0;
      for (const code of site.covers) {
        const village = targets.get(code);
        if (!village) throw new Error(`${code} is not a village without signal`);
        expect(distanceMeters(site, village), code).toBeLessThanOrEqual(body.range_km * 1000);
        expect(seen.has(code), code).toBe(false);
        seen.add(code);
        households += village.households ?? 0;
      }
      expect(site.households).toBe(households);
    }
    // Fifty sites are more than enough: every village without signal is covered.
    expect(seen.size).toBe(targets.size);
    expect(body.villages_covered_by_suggestions).toBe(seen.size);
    const sizes = body.suggestions.map((s) => s.covers.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it("uses the range of the technology asked for, and stops at max_sites", async () => {
    const { body } = await getJson<Siting>("/api/v1/siting/suggestions?unit=02&tech=2g&max_sites=3");
    const config = (await getJson<{ ranges_km: Record<string, number> }>("/api/v1/coverage-config")).body;
    expect(body.range_km).toBe(config.ranges_km["2g"]);
    expect(body.suggestions.length).toBeLessThanOrEqual(3);
    const targets = await uncovered("02");
    for (const site of body.suggestions) {
      for (const code of site.covers) {
        const village = targets.get(code) as Village;
        expect(distanceMeters(site, village)).toBeLessThanOrEqual(body.range_km * 1000);
      }
    }
  });

  it("limits the villages to the unit", async () => {
    const targets = await uncovered("02");
    const [first] = targets.values();
    if (!first) throw new Error("the demo has villages without signal");
    const { body: detail } = await getJson<{ commune_code: string }>(`/api/v1/villages/${first.code}`);
    const { body } = await getJson<Siting>(`/api/v1/siting/suggestions?unit=${detail.commune_code}`);
    const inCommune = await uncovered(detail.commune_code);
    expect(body.villages_uncovered).toBe(inCommune.size);
    for (const site of body.suggestions) for (const code of site.covers) expect(inCommune.has(code)).toBe(true);
  });

  it("is read-only and public", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/siting/suggestions?unit=02&max_sites=5" }),
      expect: { none: 200, malformed: 200, unknown: 200, revoked: 200, owner: 200, other: 200, admin: 200 },
      audits: 0,
    };
    const who = await principals("viettel", "vinaphone");
    const withTokens = await snapshot();
    await checkAccess("GET /siting/suggestions", route, who);
    // Token use may be noted on the tokens; nothing else may change.
    expect({ ...(await snapshot()), api_tokens: [] }).toEqual({ ...withTokens, api_tokens: [] });
  });

  it("validates its parameters", async () => {
    for (const query of ["max_sites=0", "max_sites=51", "max_sites=two", "tech=6g", "unit=abc"]) {
      const { status } = await getJson(`/api/v1/siting/suggestions?${query}`);
      expect(status, query).toBe(400);
    }
  });
});
