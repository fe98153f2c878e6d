import { aliasedTable, and, asc, count, desc, eq, getTableColumns, gt, inArray, type SQL } from "drizzle-orm";
import { commitments, coverage, stations, units, village_events, villages } from "../../schema/tables.ts";
import { isOverdue } from "../domain/commitments.ts";
import { evidenceOf } from "../domain/evidence.ts";
import { distanceMeters } from "../domain/geo.ts";
import type { Db } from "../env.ts";
import { notFound } from "../errors.ts";
import type { VillageFilters } from "../routes/params.ts";
import { villageConditions } from "./filters.ts";
import type { Unit } from "./units.ts";

const commune = aliasedTable(units, "commune");
const oldCommune = aliasedTable(units, "old_commune");
const oldDistrict = aliasedTable(units, "old_district");

const { name_normalized: _omit, evidence_at, ...villageColumns } = getTableColumns(villages);

function baseQuery(db: Db) {
  return db
    .select({
      ...villageColumns,
      evidence_at,
      commune_name: commune.full_name,
      old_commune_name: oldCommune.full_name,
      old_district_name: oldDistrict.full_name,
      commitment: {
        operator_id: commitments.operator_id,
        target_date: commitments.target_date,
        status: commitments.status,
        blockers: commitments.blockers,
      },
    })
    .from(villages)
    .leftJoin(commune, and(eq(commune.code, villages.commune_code), eq(commune.era, "2025")))
    .leftJoin(oldCommune, and(eq(oldCommune.code, villages.old_commune_code), eq(oldCommune.era, "pre2025")))
    .leftJoin(oldDistrict, and(eq(oldDistrict.code, villages.old_district_code), eq(oldDistrict.era, "pre2025")))
    .leftJoin(commitments, eq(commitments.village_code, villages.code));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>["all"]>>[number];

// The page's codes are chosen first, from the filters alone, and only they are
// joined to their units and commitment: joining first would look up every
// matching village's names (a viewport can match tens of thousands) to keep a
// page of them.
function pageOf(db: Db, where: SQL | undefined, after: string | undefined, limit: number) {
  const codes = db
    .select({ code: villages.code })
    .from(villages)
    .where(and(where, after ? gt(villages.code, after) : undefined))
    .orderBy(asc(villages.code))
    .limit(limit);
  return baseQuery(db).where(inArray(villages.code, codes)).orderBy(asc(villages.code));
}

function shape({ evidence_at: evidenceAt, ...row }: Row, today: string, now: Date) {
  const c = row.commitment;
  return {
    ...row,
    evidence: evidenceOf({ coverage_state: row.coverage_state, evidence_at: evidenceAt }, now),
    commitment:
      c && c.operator_id !== null && c.target_date !== null && c.status !== null
        ? {
            operator_id: c.operator_id,
            target_date: c.target_date,
            status: c.status,
            blockers: c.blockers ?? [],
            overdue: isOverdue({ status: c.status, target_date: c.target_date }, today),
          }
        : null,
  };
}

export async function listVillages(
  db: Db,
  filters: VillageFilters,
  unit: Unit | undefined,
  page: { limit: number; after?: string },
  today: string,
  now = new Date(),
) {
  const where = villageConditions(filters, unit, now);
  const [rows, [totalRow]] = await Promise.all([
    pageOf(db, where, page.after, page.limit + 1),
    db.select({ n: count() }).from(villages).where(where),
  ]);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit).map((r) => shape(r, today, now));
  return {
    data,
    total: totalRow?.n ?? 0,
    next_cursor: hasMore ? (data[data.length - 1]?.code ?? null) : null,
  };
}

// Exports walk the whole result in keyset chunks so that memory stays flat
// however many villages match.
export async function* allVillages(
  db: Db,
  filters: VillageFilters,
  unit: Unit | undefined,
  today: string,
  now = new Date(),
) {
  const where = villageConditions(filters, unit, now);
  let after: string | undefined;
  for (;;) {
    const rows = await pageOf(db, where, after, 2000);
    for (const r of rows) yield shape(r, today, now);
    if (rows.length < 2000) return;
    after = rows[rows.length - 1]?.code;
  }
}

const DAY_MS = 86_400_000;

export async function villageDetail(db: Db, code: string, today: string, now: Date) {
  // All four at once: each is a round trip to D1, and none needs another's
  // answer (for an unknown village the other three simply find nothing).
  const [[row], claimRows, commitmentRows, history] = await Promise.all([
    baseQuery(db).where(eq(villages.code, code)),
    db
      .select({
        claim: getTableColumns(coverage),
        station: {
          site_code: stations.site_code,
          status: stations.status,
          technologies: stations.technologies,
          lat: stations.lat,
          lon: stations.lon,
        },
      })
      .from(coverage)
      .leftJoin(stations, eq(stations.id, coverage.station_id))
      .where(eq(coverage.village_code, code))
      .orderBy(asc(coverage.operator_id), asc(coverage.tech), asc(coverage.source)),
    db.select().from(commitments).where(eq(commitments.village_code, code)),
    db
      .select()
      .from(village_events)
      .where(eq(village_events.village_code, code))
      .orderBy(desc(village_events.at), desc(village_events.id))
      .limit(50),
  ]);
  if (!row) throw notFound("village", code);

  const claims = claimRows.map(({ claim, station }) => {
    const { village_code: _v, ...rest } = claim;
    return {
      ...rest,
      station_site_code: station?.site_code ?? null,
      station_status: station?.status ?? null,
      age_days: Math.max(0, Math.floor((now.getTime() - Date.parse(claim.verified_at)) / DAY_MS)),
    };
  });

  const covering = new Map<
    string,
    {
      station_id: string;
      site_code: string;
      operator_id: string;
      technologies: Array<(typeof claims)[number]["tech"]>;
      distance_m: number;
    }
  >();
  for (const { claim, station } of claimRows) {
    if (!claim.effective || !claim.station_id || !station?.site_code || claim.level === "none") continue;
    if (station.lat === null || station.lon === null || row.lat === null || row.lon === null) continue;
    const entry = covering.get(claim.station_id) ?? {
      station_id: claim.station_id,
      site_code: station.site_code,
      operator_id: claim.operator_id,
      technologies: [],
      distance_m: Math.round(
        distanceMeters(row as { lat: number; lon: number }, station as { lat: number; lon: number }),
      ),
    };
    entry.technologies.push(claim.tech);
    covering.set(claim.station_id, entry);
  }

  const commitment = commitmentRows[0];
  const base = shape(row, today, now);
  return {
    ...base,
    explanation: {
      summary: summarize(base.coverage_state, base.best_tech, covering.size, claims),
      claims,
      covering_stations: [...covering.values()].sort((a, b) => a.distance_m - b.distance_m),
    },
    commitment: commitment ? { ...commitment, overdue: isOverdue(commitment, today) } : null,
    history,
  };
}

function summarize(
  state: string,
  bestTech: string | null,
  stationCount: number,
  claims: Array<{ source: string; effective: boolean }>,
): string {
  if (state === "unknown")
    return "Not assessed: no location and no survey, so coverage is unknown (not the same as no signal).";
  if (state === "none") return "No signal: no station on air reaches this village and no survey reports coverage.";
  const surveyed = claims.some((c) => c.effective && c.source === "survey");
  return `Covered (${state}, best ${bestTech ?? "?"}) by ${stationCount} station(s)${surveyed ? ", confirmed or overridden by field survey" : ""}.`;
}
