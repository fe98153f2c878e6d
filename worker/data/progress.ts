import { and, count, eq, inArray, sql } from "drizzle-orm";
import type { StationStatus, Tech } from "../../schema/tables.ts";
import {
  operators,
  STATION_STATUSES,
  TECHS,
  unit_claim_tallies,
  unit_station_tallies,
  unit_tallies,
  units,
  villages,
} from "../../schema/tables.ts";
import { verifiedFigures } from "../domain/evidence.ts";
import { progressFigures } from "../domain/progress.ts";
import type { Db } from "../env.ts";
import { evidenceCondition } from "./evidence.ts";
import { unitCondition } from "./filters.ts";
import type { Unit } from "./units.ts";

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

// Counts come from the unit's tallies (unit_tallies and its siblings), which
// triggers keep equal to counting the records: a province or the whole
// country reads a few dozen rows instead of every village and claim. Only the
// evidence figure depends on the date and is counted live, through the
// villages_evidence index, over the few villages measured recently.
export async function progressFor(db: Db, unit: Unit, now: Date) {
  const inUnit = unitCondition(villages, unit);
  const ofUnit = <T extends typeof unit_tallies | typeof unit_claim_tallies | typeof unit_station_tallies>(t: T) =>
    and(eq(t.era, unit.era), eq(t.code, unit.code));

  const [tallies, stationRows, claimRows, operatorRows, scope, verified] = await db.batch([
    db.select().from(unit_tallies).where(ofUnit(unit_tallies)),
    db
      .select({
        operator_id: unit_station_tallies.operator_id,
        status: unit_station_tallies.status,
        n: unit_station_tallies.stations,
      })
      .from(unit_station_tallies)
      .where(ofUnit(unit_station_tallies)),
    db.select().from(unit_claim_tallies).where(ofUnit(unit_claim_tallies)),
    db.select().from(operators).orderBy(operators.id),
    db
      .select({
        communes_total: count(),
        communes_with_villages: sql<number>`coalesce(sum(EXISTS (SELECT 1 FROM ${unit_tallies} t WHERE t.era = ${unit.era} AND t.code = "units"."code" AND t.villages > 0)), 0)`,
      })
      .from(units)
      .where(communesUnder(db, unit)),
    db
      .select({ n: count() })
      .from(villages)
      .where(and(inUnit, evidenceCondition("verified", now))),
  ]);
  const tally = tallies[0];
  const states = tally ? { good: tally.good, weak: tally.weak, none: tally.none, unknown: tally.unknown } : {};
  const byOperator = claimRows
    .filter((r) => r.kind === "operator")
    .map((r) => ({ operator_id: r.value, n: r.villages }));
  const byTech = claimRows.filter((r) => r.kind === "tech").map((r) => ({ tech: r.value, n: r.villages }));
  const bestOf: Record<Tech, number> = {
    "2g": tally?.best_2g ?? 0,
    "3g": tally?.best_3g ?? 0,
    "4g": tally?.best_4g ?? 0,
    "5g": tally?.best_5g ?? 0,
  };

  const figures = progressFigures(states);
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
      color: op.color,
      villages_covered: byOperator.find((r) => r.operator_id === op.id)?.n ?? 0,
      stations_total: rows.filter((r) => r.status !== "decommissioned").reduce((s, r) => s + r.n, 0),
      stations_on_air: rows.filter((r) => r.status === "on_air").reduce((s, r) => s + r.n, 0),
    };
  });

  const perTech = TECHS.map((tech: Tech) => ({
    tech,
    villages_with: byTech.find((r) => r.tech === tech)?.n ?? 0,
    villages_best: bestOf[tech],
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
