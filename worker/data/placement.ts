import { and, gte, isNotNull, lte } from "drizzle-orm";
import { villages } from "../../schema/tables.ts";
import { bboxAround, distanceMeters, type LatLon } from "../domain/geo.ts";
import type { Db } from "../env.ts";

export type UnitColumns = Pick<
  typeof villages.$inferSelect,
  "province_code" | "commune_code" | "old_province_code" | "old_district_code" | "old_commune_code"
>;

// Demo stations stand within 20 km of a village; one farther than this from
// every village is outside the tracked provinces or has its coordinates wrong.
export const PLACEMENT_REACH_M = 50_000;
const SEARCH_STEPS_M = [2_000, 10_000, PLACEMENT_REACH_M];

// Widening boxes over the lat/lon index: a station normally finds its village
// in the first small box, so placing one reads a handful of rows.
export async function nearestVillage(db: Db, point: LatLon): Promise<(UnitColumns & { code: string }) | null> {
  for (const radius of SEARCH_STEPS_M) {
    const box = bboxAround(point, radius);
    const rows = await db
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
      .where(
        and(
          isNotNull(villages.lat),
          gte(villages.lat, box.minLat),
          lte(villages.lat, box.maxLat),
          gte(villages.lon, box.minLon),
          lte(villages.lon, box.maxLon),
        ),
      );
    let best: { row: (typeof rows)[number]; d: number } | undefined;
    for (const row of rows) {
      const d = distanceMeters(point, row as LatLon);
      // Only a village inside the circle is certainly the nearest: one in the
      // box's corner may lose to a village just outside the box.
      if (d <= radius && (!best || d < best.d || (d === best.d && row.code < best.row.code))) best = { row, d };
    }
    if (best) {
      const { lat: _lat, lon: _lon, ...units } = best.row;
      return units;
    }
  }
  return null;
}
