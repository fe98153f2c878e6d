import { and, isNotNull, sql } from "drizzle-orm";
import { villages } from "../../schema/tables.ts";
import type { Db } from "../env.ts";
import type { VillageFilters } from "../routes/params.ts";
import { evidenceMark } from "./evidence.ts";
import { villageConditions } from "./filters.ts";
import { mapRowsInBox } from "./spatial.ts";
import type { Unit } from "./units.ts";

// Rowids per query when the filters are not a box alone: under D1's 2 MB limit
// on one value even for a whole country's villages, in one round trip.
const ROWID_SPAN = 15_000;

const onlyBox = (filters: VillageFilters, unit: Unit | undefined) =>
  unit === undefined &&
  filters.bbox !== undefined &&
  Object.entries(filters).every(([key, value]) => key === "bbox" || value === undefined);

// The located villages that match, as parts of a JSON array of
// [code, lat, lon, coverage_state, best_tech, evidence] rows, built by SQLite.
export async function mapRows(
  db: Db,
  filters: VillageFilters,
  unit: Unit | undefined,
  now = new Date(),
): Promise<string[]> {
  if (filters.bbox && onlyBox(filters, unit)) return mapRowsInBox(db, filters.bbox, now);
  const where = and(villageConditions(filters, unit, now), isNotNull(villages.lat), isNotNull(villages.lon));
  const evidence = evidenceMark(
    { coverage_state: sql`${villages.coverage_state}`, evidence_at: sql`${villages.evidence_at}` },
    now,
  );
  const [range] = await db.select({ last: sql<number | null>`max(rowid)` }).from(villages);
  const reads = [];
  for (let from = 0; from <= (range?.last ?? 0); from += ROWID_SPAN) {
    reads.push(
      db
        .select({
          rows: sql<string>`json_group_array(json_array(${villages.code}, ${villages.lat}, ${villages.lon}, ${villages.coverage_state}, ${villages.best_tech}, ${evidence}))`,
        })
        .from(villages)
        .where(and(where, sql`${villages}.rowid >= ${from} AND ${villages}.rowid < ${from + ROWID_SPAN}`)),
    );
  }
  const [head, ...rest] = reads;
  if (!head) return [];
  return (await db.batch([head, ...rest])).flatMap(([r]) => (r && r.rows !== "[]" ? [r.rows.slice(1, -1)] : []));
}
