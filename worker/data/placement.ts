import { and, gte, isNotNull, lte, type SQL } from "drizzle-orm";
import { villages } from "../../schema/tables.ts";
import { type BBox, bboxAround, distanceMeters, type LatLon } from "../domain/geo.ts";
import type { Db } from "../env.ts";

export type UnitColumns = Pick<
  typeof villages.$inferSelect,
  "province_code" | "commune_code" | "old_province_code" | "old_district_code" | "old_commune_code"
>;

// Demo stations stand within 20 km of a village; one farther than this from
// every village is outside the tracked provinces or has its coordinates wrong.
export const PLACEMENT_REACH_M = 50_000;
// Widening circles: most stations find their village within the first.
export const SEARCH_STEPS_M = [2_000, 10_000, PLACEMENT_REACH_M];

export type Placed = UnitColumns & { code: string; lat: number; lon: number };

// Villages with a location inside a box, through the lat/lon index.
export function locatedIn(box: BBox): SQL {
  return and(
    isNotNull(villages.lat),
    gte(villages.lat, box.minLat),
    lte(villages.lat, box.maxLat),
    gte(villages.lon, box.minLon),
    lte(villages.lon, box.maxLon),
  ) as SQL;
}

// The located villages in a box, with the units a placed row takes from them.
export function villagesForPlacement(db: Db, box: BBox): Promise<Placed[]> {
  return db
    .select({
      code: villages.code,
      lat: villages.lat,
      lon: villages.lon,
      province_code: villages.province_code,
      commune_code: villages.commune_code,
      old_province_code: villages.old_province_code,
      old_district_code: villages.old_district_code,
      old_commune_code: villages.old_commune_code,
    })
    .from(villages)
    .where(locatedIn(box)) as Promise<Placed[]>;
}

type Candidate<T> = { item: T; distance_m: number };

// The rule of placement: the nearest of the villages within a circle, ties to
// the smaller code, so that the same point always lands on the same village.
// Only a village inside the circle is certainly the nearest: one in a box's
// corner may lose to a village just outside the box.
export function nearestOf<T extends { code: string }>(candidates: Iterable<Candidate<T>>): Candidate<T> | undefined {
  let best: Candidate<T> | undefined;
  for (const c of candidates) {
    if (!best || c.distance_m < best.distance_m || (c.distance_m === best.distance_m && c.item.code < best.item.code)) {
      best = c;
    }
  }
  return best;
}

export function unitsOf({ code: _code, lat: _lat, lon: _lon, ...units }: Placed): UnitColumns {
  return units;
}

// The candidates of a box that lie within `radius` of a point.
export function withinCircle<T extends LatLon>(point: LatLon, rows: T[], radius: number): Array<Candidate<T>> {
  return rows.flatMap((item) => {
    const distance_m = distanceMeters(point, item);
    return distance_m <= radius ? [{ item, distance_m }] : [];
  });
}

// Widening boxes over the lat/lon index: a station normally finds its village
// in the first small box, so placing one reads a handful of rows.
export async function nearestVillage(db: Db, point: LatLon): Promise<UnitColumns | null> {
  for (const radius of SEARCH_STEPS_M) {
    const rows = await villagesForPlacement(db, bboxAround(point, radius));
    const found = nearestOf(withinCircle(point, rows, radius));
    if (found) return unitsOf(found.item);
  }
  return null;
}
