import { type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

// A fixed grid over the globe for spatial reads: cells of 0.005° (about 550 m
// north–south), numbered row by row. SQLite indexes the cell of each row's
// lat/lon as an expression, and a bounding box becomes one index range per
// grid row it spans, so a viewport reads little more than the points inside
// it. Chosen over an R*Tree by measurement (docs/performance.md): as fast for
// these reads, and a virtual table would make the database impossible to
// export with `wrangler d1 export`, which the backups rely on.
export const CELLS_PER_DEGREE = 200;
// Columns per grid row: more than the 72,000 cells around the equator, so
// that a row's cells never run into the next row's.
export const GRID_ROW_STRIDE = 131_072;

// The expression every index and query on the grid must spell the same way;
// CAST truncates, and lat + 90 and lon + 180 are never negative, so it is
// the floor that gridBox() computes in JavaScript with the same arithmetic.
export function cellOf(lat: SQLiteColumn | SQL, lon: SQLiteColumn | SQL): SQL {
  return sql`(CAST((${lat} + 90) * ${sql.raw(String(CELLS_PER_DEGREE))} AS INTEGER) * ${sql.raw(String(GRID_ROW_STRIDE))} + CAST((${lon} + 180) * ${sql.raw(String(CELLS_PER_DEGREE))} AS INTEGER))`;
}

export type GridBox = { firstRow: number; lastRow: number; firstColumn: number; lastColumn: number };

export function gridBox(box: { minLat: number; maxLat: number; minLon: number; maxLon: number }): GridBox {
  return {
    firstRow: Math.trunc((box.minLat + 90) * CELLS_PER_DEGREE),
    lastRow: Math.trunc((box.maxLat + 90) * CELLS_PER_DEGREE),
    firstColumn: Math.trunc((box.minLon + 180) * CELLS_PER_DEGREE),
    lastColumn: Math.trunc((box.maxLon + 180) * CELLS_PER_DEGREE),
  };
}
