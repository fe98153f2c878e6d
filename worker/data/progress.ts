import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { CoverageLevel, StationStatus, Tech } from "../../schema/tables.ts";
import { coverage, operators, STATION_STATUSES, stations, TECHS, units, villages } from "../../schema/tables.ts";
import { verifiedFigures } from "../domain/evidence.ts";
import { progressFigures } from "../domain/progress.ts";
import type { Db } from "../env.ts";
import { evidenceCondition } from "./evidence.ts";
import { unitCondition } from "./filters.ts";
import type { Unit } from "./units.ts";

const COVERED = ["good", "weak"] as const;

// Communes below a unit: for a pre-2025 province they are two levels down.
function communesUnder(db: Db, unit: Unit) {
  if (unit.level === "commune") return and(eq(units.code, unit.code), eq(units.era, unit.era));
  if (unit.level === "district" || unit.era === "2025") {
    return and(eq(units.parent_code, unit.code), eq(units.era, unit.era), eq(units.level, "commune"));
  }
  const districts = db
    .select({ code: units.code })
    .from(units)
    .where(and(eq(units.parent_code, unit.code), eq(units.era, unit.era)));
  return and(inArray(units.parent_code, districts), eq(units.era, unit.era), eq(units.level, "commune"));
}

export async function progressFor(db: Db, unit: Unit, now: Date) {
  const inUnit = unitCondition(villages, unit);
  const stationsInUnit = unitCondition(stations, unit);
  const communeColumn = unit.era === "2025" ? "commune_code" : "old_commune_code";
  const claimJoin = and(
    eq(coverage.village_code, villages.code),
    eq(coverage.effective, true),
    inArray(coverage.level, [...COVERED]),
  );

  const [states, stationRows, byOperator, byTech, bestTech, operatorRows, scope, verified] = await db.batch([
    db
      .select({ state: villages.coverage_state, n: count() })
      .from(villages)
      .where(inUnit)
      .groupBy(villages.coverage_state),
    db
      .select({ operator_id: stations.operator_id, status: stations.status, n: count() })
      .from(stations)
      .where(stationsInUnit)
      .groupBy(stations.operator_id, stations.status),
    db
      .select({ operator_id: coverage.operator_id, n: sql<number>`count(DISTINCT ${coverage.village_code})` })
      .from(villages)
      .innerJoin(coverage, claimJoin)
      .where(inUnit)
      .groupBy(coverage.operator_id),
    db
      .select({ tech: coverage.tech, n: sql<number>`count(DISTINCT ${coverage.village_code})` })
      .from(villages)
      .innerJoin(coverage, claimJoin)
      .where(inUnit)
      .groupBy(coverage.tech),
    db
      .select({ tech: villages.best_tech, n: count() })
      .from(villages)
      .where(and(inUnit, inArray(villages.coverage_state, [...COVERED])))
      .groupBy(villages.best_tech),
    db.select().from(operators).orderBy(operators.id),
    db
      .select({
        communes_total: count(),
        communes_with_villages: sql<number>`coalesce(sum(EXISTS (SELECT 1 FROM villages v WHERE v.${sql.raw(communeColumn)} = "units"."code")), 0)`,
      })
      .from(units)
      .where(communesUnder(db, unit)),
    db
      .select({ n: count() })
      .from(villages)
      .where(and(inUnit, evidenceCondition("verified", now))),
  ]);

  const figures = progressFigures(
    Object.fromEntries(states.map((s) => [s.state, s.n])) as Partial<Record<CoverageLevel, number>>,
  );
  const stationsByStatus = Object.fromEntries(STATION_STATUSES.map((s) => [s, 0])) as Record<StationStatus, number>;
  for (const r of stationRows) stationsByStatus[r.status] += r.n;
  const stationsTotal = Object.entries(stationsByStatus)
    .filter(([s]) => s !== "decommissioned")
    .reduce((sum, [, n]) => sum + n, 0);

  const perOperator = operatorRows.map((op) => {
    const rows = stationRows.filter((r) => r.operator_id === op.id);
    return {
      operator_id: op.id,
      name: op.name,
      villages_covered: byOperator.find((r) => r.operator_id === op.id)?.n ?? 0,
      stations_total: rows.filter((r) => r.status !== "decommissioned").reduce((s, r) => s + r.n, 0),
      stations_on_air: rows.filter((r) => r.status === "on_air").reduce((s, r) => s + r.n, 0),
    };
  });

  const perTech = TECHS.map((tech: Tech) => ({
    tech,
    villages_with: byTech.find((r) => r.tech === tech)?.n ?? 0,
    villages_best: bestTech.find((r) => r.tech === tech)?.n ?? 0,
  }));

  const communesTotal = scope[0]?.communes_total ?? 0;
  const communesWithVillages = scope[0]?.communes_with_villages ?? 0;
  const complete = communesWithVillages === communesTotal;

  const evidence = verifiedFigures({
    total: figures.villages_total,
    covered: figures.villages_covered,
    verified: verified[0]?.n ?? 0,
  });

  return {
    unit: {
      code: unit.code,
      era: unit.era,
      level: unit.level,
      name: unit.name,
      full_name: unit.full_name,
      valid_from: unit.valid_from,
      valid_to: unit.valid_to,
    },
    ...figures,
    ...evidence,
    stations_total: stationsTotal,
    stations_on_air: stationsByStatus.on_air,
    stations_by_status: stationsByStatus,
    by_technology: perTech,
    by_operator: perOperator,
    scope: {
      communes_total: communesTotal,
      communes_with_villages: communesWithVillages,
      complete,
      note: complete
        ? null
        : `Village records exist for ${communesWithVillages} of the ${communesTotal} communes of ${unit.full_name}; the figures describe those communes only, not the whole unit.`,
    },
    as_of: now.toISOString(),
  };
}
