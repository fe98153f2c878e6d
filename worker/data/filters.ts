import { and, eq, type SQL, sql } from "drizzle-orm";
import { stations, villages } from "../../schema/tables.ts";
import type { BBox } from "../domain/geo.ts";
import { normalizeName } from "../domain/text.ts";
import type { StationFilters, VillageFilters } from "../routes/params.ts";
import { evidenceCondition, staleCondition } from "./evidence.ts";
import { stationsInBox, villagesInBox } from "./spatial.ts";
import { escapeLike, type Unit } from "./units.ts";

type Located = typeof villages | typeof stations;

// Villages and stations carry the same unit columns, so one mapping serves both:
// which column holds a unit depends on its level and on its side of the reform.
export function unitCondition(table: Located, unit: Unit): SQL {
  if (unit.era === "2025") {
    return unit.level === "province" ? eq(table.province_code, unit.code) : eq(table.commune_code, unit.code);
  }
  if (unit.level === "province") return eq(table.old_province_code, unit.code);
  if (unit.level === "district") return eq(table.old_district_code, unit.code);
  return eq(table.old_commune_code, unit.code);
}

// Through the grid index (spatial.ts): a box reads about the rows inside it,
// where a range on the lat/lon index reads a band across the whole country.
export function bboxCondition(table: Located, box: BBox): SQL {
  return table === villages ? villagesInBox(box) : stationsInBox(box);
}

function claimExists(filters: VillageFilters, levels: string[]): SQL {
  const operator = filters.operator ? sql`AND c.operator_id = ${filters.operator}` : sql``;
  const tech = filters.tech ? sql`AND c.tech = ${filters.tech}` : sql``;
  const inLevels = sql.join(
    levels.map((l) => sql`${l}`),
    sql`, `,
  );
  return sql`EXISTS (SELECT 1 FROM coverage c WHERE c.village_code = ${villages.code} AND c.effective = 1 AND c.level IN (${inLevels}) ${operator} ${tech})`;
}

export function villageConditions(filters: VillageFilters, unit?: Unit, now = new Date()): SQL | undefined {
  const conditions: Array<SQL | undefined> = [];
  if (filters.evidence) conditions.push(evidenceCondition(filters.evidence, now));
  if (filters.stale !== undefined) {
    conditions.push(filters.stale ? staleCondition(now) : sql`NOT ${staleCondition(now)}`);
  }
  if (unit) conditions.push(unitCondition(villages, unit));
  if (filters.bbox) conditions.push(bboxCondition(villages, filters.bbox));
  if (filters.q) {
    const normalized = normalizeName(filters.q);
    // A query of only punctuation normalises to nothing and must not match all.
    const needle = normalized === "" ? null : `%${escapeLike(normalized)}%`;
    conditions.push(
      sql`((${needle} IS NOT NULL AND ${villages.name_normalized} LIKE ${needle} ESCAPE '\\') OR ${villages.code} = ${filters.q})`,
    );
  }
  const byClaims = filters.operator !== undefined || filters.tech !== undefined;
  if (!byClaims) {
    if (filters.coverage) conditions.push(eq(villages.coverage_state, filters.coverage));
  } else if (filters.coverage === undefined) {
    conditions.push(claimExists(filters, ["good", "weak"]));
  } else if (filters.coverage === "good") {
    conditions.push(claimExists(filters, ["good"]));
  } else if (filters.coverage === "weak") {
    conditions.push(claimExists(filters, ["weak"]), sql`NOT ${claimExists(filters, ["good"])}`);
  } else if (filters.coverage === "none") {
    conditions.push(sql`${villages.coverage_state} <> 'unknown'`, sql`NOT ${claimExists(filters, ["good", "weak"])}`);
  } else {
    conditions.push(eq(villages.coverage_state, "unknown"));
  }
  return and(...conditions);
}

export function stationConditions(filters: StationFilters, unit?: Unit): SQL | undefined {
  const conditions: Array<SQL | undefined> = [];
  if (unit) conditions.push(unitCondition(stations, unit));
  if (filters.bbox) conditions.push(bboxCondition(stations, filters.bbox));
  if (filters.operator) conditions.push(eq(stations.operator_id, filters.operator));
  if (filters.status) conditions.push(eq(stations.status, filters.status));
  if (filters.tech) {
    conditions.push(sql`EXISTS (SELECT 1 FROM json_each(${stations.technologies}) WHERE value = ${filters.tech})`);
  }
  if (filters.q) {
    const needle = `%${escapeLike(filters.q.toLowerCase())}%`;
    conditions.push(
      sql`(lower(${stations.site_code}) LIKE ${needle} ESCAPE '\\' OR lower(coalesce(${stations.name}, '')) LIKE ${needle} ESCAPE '\\' OR ${stations.id} = ${filters.q})`,
    );
  }
  return and(...conditions);
}
