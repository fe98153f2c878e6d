import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getJson } from "./helpers/api.ts";
import { seedBase } from "./helpers/factories.ts";

// The unit tallies that progress reads (schema/tables.ts, kept by the
// triggers of migration 0006) must equal counting the records, after any
// sequence of writes by anyone: here, random writes straight in SQL.

const STATES = ["good", "weak", "none", "unknown"] as const;
const TECHS = ["2g", "3g", "4g", "5g"] as const;
const OPERATORS = ["viettel", "vinaphone", "mobifone"] as const;
const STATUSES = ["planned", "on_air", "outage", "decommissioned"] as const;
// [2025 province, 2025 commune, pre-2025 province, district, commune], as the
// test units of helpers/factories.ts allow.
const PLACES = [
  ["98", "99101", "99", "991", "99101"],
  ["98", "99101", "99", "991", "99102"],
  ["98", "98002", null, null, null],
] as const;

const VILLAGES = ["V1", "V2", "V3", "V4"] as const;
const STATIONS = ["S1", "S2", "S3"] as const;

const write = fc.oneof(
  fc.record({
    kind: fc.constant("village" as const),
    code: fc.constantFrom(...VILLAGES),
    place: fc.nat(PLACES.length - 1),
    state: fc.constantFrom(...STATES),
    best: fc.option(fc.constantFrom(...TECHS), { nil: null }),
  }),
  fc.record({ kind: fc.constant("drop village" as const), code: fc.constantFrom(...VILLAGES) }),
  fc.record({
    kind: fc.constant("claim" as const),
    village: fc.constantFrom(...VILLAGES),
    operator: fc.constantFrom(...OPERATORS),
    tech: fc.constantFrom(...TECHS),
    source: fc.constantFrom("computed", "survey"),
    level: fc.constantFrom("good", "weak", "none"),
    effective: fc.boolean(),
    how: fc.constantFrom("upsert", "update"),
  }),
  fc.record({
    kind: fc.constant("drop claims" as const),
    village: fc.constantFrom(...VILLAGES),
    operator: fc.option(fc.constantFrom(...OPERATORS), { nil: null }),
  }),
  fc.record({
    kind: fc.constant("station" as const),
    id: fc.constantFrom(...STATIONS),
    operator: fc.constantFrom(...OPERATORS),
    status: fc.constantFrom(...STATUSES),
    place: fc.nat(PLACES.length - 1),
  }),
  fc.record({ kind: fc.constant("drop station" as const), id: fc.constantFrom(...STATIONS) }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

function statement(w: Write): D1PreparedStatement {
  const db = env.DB;
  switch (w.kind) {
    case "village": {
      const [p, c, op, od, oc] = PLACES[w.place] as (typeof PLACES)[number];
      return db
        .prepare(
          `INSERT INTO villages (code, name, name_normalized, province_code, commune_code, old_province_code, old_district_code, old_commune_code, lat, lon, coverage_state, best_tech)
           VALUES (?1, ?1, ?1, ?2, ?3, ?4, ?5, ?6, 23.2, 105.3, ?7, ?8)
           ON CONFLICT (code) DO UPDATE SET province_code = ?2, commune_code = ?3, old_province_code = ?4,
             old_district_code = ?5, old_commune_code = ?6, coverage_state = ?7, best_tech = ?8`,
        )
        .bind(w.code, p, c, op, od, oc, w.state, w.best);
    }
    case "drop village":
      return db.prepare("DELETE FROM villages WHERE code = ?").bind(w.code);
    case "claim": {
      const values = [w.village, w.operator, w.tech, w.source, w.level, w.effective ? 1 : 0];
      if (w.how === "update") {
        return db
          .prepare(
            "UPDATE coverage SET level = ?5, effective = ?6 WHERE village_code = ?1 AND operator_id = ?2 AND tech = ?3 AND source = ?4",
          )
          .bind(...values);
      }
      return db
        .prepare(
          `INSERT INTO coverage (village_code, operator_id, tech, source, level, effective, verified_at, updated_at)
           SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'now', 'now' WHERE EXISTS (SELECT 1 FROM villages WHERE code = ?1)
           ON CONFLICT DO UPDATE SET level = excluded.level, effective = excluded.effective`,
        )
        .bind(...values);
    }
    case "drop claims":
      return db
        .prepare("DELETE FROM coverage WHERE village_code = ?1 AND (?2 IS NULL OR operator_id = ?2)")
        .bind(w.village, w.operator);
    case "station": {
      const [p, c, op, od, oc] = PLACES[w.place] as (typeof PLACES)[number];
      return db
        .prepare(
          `INSERT INTO stations (id, operator_id, site_code, lat, lon, technologies, status, province_code, commune_code, old_province_code, old_district_code, old_commune_code)
           VALUES (?1, ?2, ?1, 23.2, 105.3, '["2g"]', ?3, ?4, ?5, ?6, ?7, ?8)
           ON CONFLICT (id) DO UPDATE SET operator_id = ?2, site_code = ?1 || ?2, status = ?3, province_code = ?4,
             commune_code = ?5, old_province_code = ?6, old_district_code = ?7, old_commune_code = ?8`,
        )
        .bind(w.id, w.operator, w.status, p, c, op, od, oc);
    }
    case "drop station":
      return db.prepare("DELETE FROM stations WHERE id = ?").bind(w.id);
  }
}

type Row = Record<string, unknown>;
const all = async (sql: string) => (await env.DB.prepare(sql).all<Row>()).results;

// Tally rows whose counts are all zero mean the same as no row.
const nonZero = (rows: Row[], counts: string[]) =>
  rows.filter((r) => counts.some((c) => Number(r[c]) !== 0)).map((r) => JSON.stringify(r));

const VILLAGE_COUNTS = ["villages", "good", "weak", "none", "unknown", "best_2g", "best_3g", "best_4g", "best_5g"];

async function expectTalliesToMatchCounting() {
  const counted = await all(`SELECT u.era, u.code, count(*) AS villages,
      ${STATES.map((s) => `sum(v.coverage_state = '${s}') AS ${s}`).join(", ")},
      ${TECHS.map((t) => `sum(v.coverage_state IN ('good', 'weak') AND v.best_tech IS '${t}') AS best_${t}`).join(", ")}
    FROM village_units u JOIN villages v ON v.code = u.village_code GROUP BY u.era, u.code ORDER BY u.era, u.code`);
  const tallied = await all(`SELECT era, code, ${VILLAGE_COUNTS.join(", ")} FROM unit_tallies ORDER BY era, code`);
  expect(nonZero(tallied, VILLAGE_COUNTS)).toEqual(nonZero(counted, VILLAGE_COUNTS));

  for (const [kind, column] of [
    ["operator", "operator_id"],
    ["tech", "tech"],
  ]) {
    const claims = await all(`SELECT u.era, u.code, c.${column} AS value, count(DISTINCT c.village_code) AS villages
      FROM coverage c JOIN village_units u ON u.village_code = c.village_code
      WHERE c.effective = 1 AND c.level IN ('good', 'weak') GROUP BY u.era, u.code, value ORDER BY u.era, u.code, value`);
    const claimTallies = await all(
      `SELECT era, code, value, villages FROM unit_claim_tallies WHERE kind = '${kind}' ORDER BY era, code, value`,
    );
    expect(nonZero(claimTallies, ["villages"])).toEqual(nonZero(claims, ["villages"]));
  }

  const stations = await all(`SELECT era, code, operator_id, status, count(*) AS stations FROM (
      SELECT '2025' AS era, province_code AS code, operator_id, status FROM stations WHERE province_code IS NOT NULL
      UNION ALL SELECT '2025', commune_code, operator_id, status FROM stations WHERE commune_code IS NOT NULL
      UNION ALL SELECT 'pre2025', old_province_code, operator_id, status FROM stations WHERE old_province_code IS NOT NULL
      UNION ALL SELECT 'pre2025', old_district_code, operator_id, status FROM stations WHERE old_district_code IS NOT NULL
      UNION ALL SELECT 'pre2025', old_commune_code, operator_id, status FROM stations WHERE old_commune_code IS NOT NULL
    ) GROUP BY era, code, operator_id, status ORDER BY era, code, operator_id, status`);
  const stationTallies = await all(
    "SELECT era, code, operator_id, status, stations FROM unit_station_tallies ORDER BY era, code, operator_id, status",
  );
  expect(nonZero(stationTallies, ["stations"])).toEqual(nonZero(stations, ["stations"]));
}

beforeAll(async () => {
  await seedBase();
});

describe("unit tallies", () => {
  it("equal counting the villages, claims and stations after any sequence of writes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 40 }), async (writes) => {
        await env.DB.batch([
          env.DB.prepare("DELETE FROM stations"),
          env.DB.prepare("DELETE FROM villages"),
          env.DB.prepare("DELETE FROM unit_tallies"),
          env.DB.prepare("DELETE FROM unit_claim_tallies"),
          env.DB.prepare("DELETE FROM unit_station_tallies"),
        ]);
        for (const w of writes) await statement(w).run();
        await expectTalliesToMatchCounting();
      }),
      { numRuns: 60 },
    );
  });

  it("give progress the same figures as counting", async () => {
    await env.DB.prepare("DELETE FROM villages").run();
    for (const [i, state] of ["good", "good", "weak", "none", "unknown"].entries()) {
      await statement({
        kind: "village",
        code: `P${i}` as "V1",
        place: i % 2,
        state: state as "good",
        best: "4g",
      }).run();
    }
    await statement({
      kind: "claim",
      village: "P0" as "V1",
      operator: "viettel",
      tech: "4g",
      source: "computed",
      level: "good",
      effective: true,
      how: "upsert",
    }).run();
    await statement({
      kind: "claim",
      village: "P0" as "V1",
      operator: "viettel",
      tech: "2g",
      source: "computed",
      level: "weak",
      effective: true,
      how: "upsert",
    }).run();
    const { body } = await getJson<{
      villages_total: number;
      villages_covered: number;
      by_operator: Array<{ operator_id: string; villages_covered: number }>;
      by_technology: Array<{ tech: string; villages_with: number; villages_best: number }>;
    }>("/api/v1/progress?unit=99");
    expect(body).toMatchObject({ villages_total: 5, villages_covered: 3 });
    expect(body.by_operator.find((o) => o.operator_id === "viettel")?.villages_covered).toBe(1);
    expect(body.by_technology.find((t) => t.tech === "4g")).toEqual({ tech: "4g", villages_with: 1, villages_best: 3 });
  });
});
