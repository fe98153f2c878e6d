import { type SQL, sql } from "drizzle-orm";
import { cellOf, GRID_ROW_STRIDE, gridBox } from "../../schema/grid.ts";
import { STATION_STATUSES, type StationStatus, stations, type Tech, villages } from "../../schema/tables.ts";
import type { StationForCoverage } from "../domain/coverage.ts";
import type { BBox } from "../domain/geo.ts";
import type { Db } from "../env.ts";
import type { VillageState } from "./engine.ts";
import { evidenceMark } from "./evidence.ts";

// Reads by place through the grid index (schema/grid.ts): the grid rows a box
// spans are numbered by a recursive CTE, and each joins one range of the
// villages_cell or stations_cell index. CROSS JOIN keeps the rows outermost,
// and INDEXED BY the grid index: with the box's bounds as parameters, SQLite
// would otherwise take the lat/lon index and scan a whole band of latitude
// once per grid row.
function gridRows(first: number, last: number): SQL {
  return sql`grid_rows(r) AS (SELECT ${first} UNION ALL SELECT r + 1 FROM grid_rows WHERE r < ${last})`;
}

const rowsOf = (box: BBox) => {
  const g = gridBox(box);
  return gridRows(g.firstRow, g.lastRow);
};

function inCells(lat: SQL, lon: SQL, box: BBox): SQL {
  const g = gridBox(box);
  const stride = sql.raw(String(GRID_ROW_STRIDE));
  return sql`${cellOf(lat, lon)} BETWEEN grid_rows.r * ${stride} + ${g.firstColumn} AND grid_rows.r * ${stride} + ${g.lastColumn}
    AND ${lat} BETWEEN ${box.minLat} AND ${box.maxLat} AND ${lon} BETWEEN ${box.minLon} AND ${box.maxLon}`;
}

const v = { lat: sql`v.lat`, lon: sql`v.lon` };
const s = { lat: sql`s.lat`, lon: sql`s.lon` };

// The villages inside a box, for a WHERE clause on the villages table.
export function villagesInBox(box: BBox): SQL {
  return sql`${villages}.rowid IN (WITH RECURSIVE ${rowsOf(box)}
    SELECT v.rowid FROM grid_rows CROSS JOIN ${villages} AS v INDEXED BY villages_cell ON ${inCells(v.lat, v.lon, box)})`;
}

// The station index leads with the status; naming every status lets SQLite
// walk it once per status and grid row.
const ANY_STATUS = sql.join(
  STATION_STATUSES.map((status) => sql`${status}`),
  sql`, `,
);

export function stationsInBox(box: BBox): SQL {
  return sql`${stations}.rowid IN (WITH RECURSIVE ${rowsOf(box)}
    SELECT s.rowid FROM grid_rows CROSS JOIN ${stations} AS s INDEXED BY stations_cell
    ON s.status IN (${ANY_STATUS}) AND ${inCells(s.lat, s.lon, box)})`;
}

// What the coverage engine needs of the villages in a box, from the index
// alone (the benchmark compares this very query with an R*Tree).
export function villageStatesInBoxSql(box: BBox): SQL {
  return sql`WITH RECURSIVE ${rowsOf(box)}
    SELECT v.code, v.lat, v.lon, v.coverage_state, v.best_tech
    FROM grid_rows CROSS JOIN ${villages} AS v INDEXED BY villages_cell ON ${inCells(v.lat, v.lon, box)}`;
}

export async function villageStatesInBox(db: Db, box: BBox): Promise<VillageState[]> {
  return db.all<VillageState>(villageStatesInBoxSql(box));
}

export async function onAirInBox(db: Db, box: BBox): Promise<StationForCoverage[]> {
  const rows = await db.all<{ id: string; operator_id: string; lat: number; lon: number; technologies: string }>(
    sql`WITH RECURSIVE ${rowsOf(box)}
    SELECT s.id, s.operator_id, s.lat, s.lon, s.technologies
    FROM grid_rows CROSS JOIN ${stations} AS s INDEXED BY stations_cell ON s.status = 'on_air' AND ${inCells(s.lat, s.lon, box)}`,
  );
  return rows.map((r) => ({
    ...r,
    technologies: JSON.parse(r.technologies) as Tech[],
    status: "on_air" as StationStatus,
  }));
}

// Grid rows per query of a map read: a degree of latitude, whose villages'
// JSON stays well under D1's 2 MB limit on a single value.
const MAP_STRIPE_ROWS = 200;

// The map's fields of the villages in a box, as JSON array text built by
// SQLite from the villages_cell index alone: one part per stripe of grid rows,
// all in one round trip.
export async function mapRowsInBox(db: Db, box: BBox, now: Date): Promise<string[]> {
  const g = gridBox(box);
  const reads = [];
  for (let first = g.firstRow; first <= g.lastRow; first += MAP_STRIPE_ROWS) {
    const last = Math.min(g.lastRow, first + MAP_STRIPE_ROWS - 1);
    // The CTE sits in a subquery so that the read is a query builder, which
    // drizzle can batch.
    reads.push(
      db
        .select({
          rows: sql<string>`json_group_array(json_array(v.code, v.lat, v.lon, v.coverage_state, v.best_tech, ${evidenceMark({ coverage_state: sql`v.coverage_state`, evidence_at: sql`v.evidence_at` }, now)}))`,
        })
        .from(
          sql`(WITH RECURSIVE ${gridRows(first, last)} SELECT r FROM grid_rows) AS grid_rows
            CROSS JOIN ${villages} AS v INDEXED BY villages_cell ON ${inCells(v.lat, v.lon, box)}`,
        ),
    );
  }
  const [head, ...rest] = reads;
  if (!head) return [];
  return (await db.batch([head, ...rest])).flatMap(([r]) => (r && r.rows !== "[]" ? [r.rows.slice(1, -1)] : []));
}
