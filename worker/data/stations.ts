import { and, asc, count, eq, gt } from "drizzle-orm";
import { stations } from "../../schema/tables.ts";
import type { Db } from "../env.ts";
import { notFound } from "../errors.ts";
import type { StationFilters } from "../routes/params.ts";
import { stationConditions } from "./filters.ts";
import type { Unit } from "./units.ts";

export type Station = typeof stations.$inferSelect;

export async function listStations(
  db: Db,
  filters: StationFilters,
  unit: Unit | undefined,
  page: { limit: number; after?: string },
) {
  const where = stationConditions(filters, unit);
  const [rows, [totalRow]] = await Promise.all([
    db
      .select()
      .from(stations)
      .where(and(where, page.after ? gt(stations.id, page.after) : undefined))
      .orderBy(asc(stations.id))
      .limit(page.limit + 1),
    db.select({ n: count() }).from(stations).where(where),
  ]);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  return { data, total: totalRow?.n ?? 0, next_cursor: hasMore ? (data[data.length - 1]?.id ?? null) : null };
}

export async function* allStations(db: Db, filters: StationFilters, unit: Unit | undefined) {
  const where = stationConditions(filters, unit);
  let after: string | undefined;
  for (;;) {
    const rows = await db
      .select()
      .from(stations)
      .where(and(where, after ? gt(stations.id, after) : undefined))
      .orderBy(asc(stations.id))
      .limit(2000);
    yield* rows;
    if (rows.length < 2000) return;
    after = rows[rows.length - 1]?.id;
  }
}

export async function getStation(db: Db, id: string): Promise<Station> {
  const [row] = await db.select().from(stations).where(eq(stations.id, id));
  if (!row) throw notFound("station", id);
  return row;
}
