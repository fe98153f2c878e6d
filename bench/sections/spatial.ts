// The spatial index, chosen by measurement: the grid-cell expression index
// the app uses (schema/grid.ts, worker/data/spatial.ts) against SQLite's
// R*Tree, on a copy of the national database, for the boxes the app reads.
// Also checks what the R*Tree would cost in D1 itself: that local D1 runs it,
// and whether `wrangler d1 export` (which `npm run backup` uses) still works
// with it in the database.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { stripVTControlCharacters } from "node:util";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { runWrangler } from "../../scripts/lib/wrangler.ts";
import { villageStatesInBoxSql } from "../../worker/data/spatial.ts";
import { DEFAULT_COVERAGE_CONFIG, maxRangeMeters } from "../../worker/domain/coverage.ts";
import { type BBox, bboxAround } from "../../worker/domain/geo.ts";
import { copyDatabase } from "../lib/floor.ts";
import { BENCH_DATA_DIR, BENCH_DIR } from "../lib/server.ts";
import { int, ms, ratio, repeat, type Summary, table } from "../lib/stats.ts";
import { HANOI, viewportBox } from "../lib/viewport.ts";
import type { Section } from "./section.ts";

const dialect = new SQLiteSyncDialect();

// What a viewport and the coverage engine read of every village in a box.
const FIELDS = "v.code, v.lat, v.lon, v.coverage_state, v.best_tech";

const gridQuery = (box: BBox) => dialect.sqlToQuery(villageStatesInBoxSql(box));

function rtreeQuery(box: BBox) {
  return {
    // An R*Tree keeps 32-bit bounds rounded outwards: it finds candidates by
    // overlap, and the exact box is checked on the row.
    sql: `SELECT ${FIELDS} FROM villages_rtree AS r CROSS JOIN villages AS v ON v.rowid = r.id
      WHERE r.max_lat >= ? AND r.min_lat <= ? AND r.max_lon >= ? AND r.min_lon <= ?
        AND v.lat BETWEEN ? AND ? AND v.lon BETWEEN ? AND ?`,
    params: [box.minLat, box.maxLat, box.minLon, box.maxLon, box.minLat, box.maxLat, box.minLon, box.maxLon],
  };
}

type Case = { name: string; box: BBox };
export type SpatialResult = {
  rtree_build_ms: number;
  cases: Array<{ name: string; villages: number; grid: Summary; rtree: Summary }>;
  d1_rtree_works: boolean;
  d1_export_with_rtree: string;
};

// R*Tree in local D1: created and queried through wrangler, then exported.
async function checkD1(log: (line: string) => void): Promise<{ works: boolean; exported: string }> {
  const dir = join(BENCH_DATA_DIR, "rtree-check");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = join(dir, "wrangler.toml");
  writeFileSync(
    config,
    `name = "rtree-check"\ncompatibility_date = "2026-11-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "rtree-check"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\n`,
  );
  // Each in the check's own folder: `d1 export` takes no --persist-to, and
  // both keep their state next to the config.
  const local = ["--local", "--config", config];
  const out = await runWrangler(
    [
      ...["d1", "execute", "DB", ...local, "--json", "--command"],
      "CREATE VIRTUAL TABLE pts USING rtree(id, min_lat, max_lat, min_lon, max_lon); INSERT INTO pts VALUES (1, 22.8, 22.8, 104.9, 104.9), (2, 10.7, 10.7, 106.6, 106.6); SELECT id FROM pts WHERE min_lat >= 22 AND max_lat <= 23.5 AND min_lon >= 104 AND max_lon <= 105.5;",
    ],
    { capture: true },
  );
  const results = JSON.parse(out.stdout) as Array<{ results: Array<{ id: number }> }>;
  const works =
    results
      .at(-1)
      ?.results.map((r) => r.id)
      .join(",") === "1";
  log(`  local D1 runs an R*Tree query: ${works ? "yes" : "no"}`);
  let exported: string;
  try {
    await runWrangler(["d1", "export", "DB", ...local, "--output", join(dir, "export.sql")], { capture: true });
    exported = "exported";
  } catch (err) {
    exported = /cannot export[^\n]*/i.exec(stripVTControlCharacters(String(err)))?.[0] ?? "refused";
  }
  log(`  wrangler d1 export with an R*Tree in the database: ${exported}`);
  return { works, exported };
}

export const spatialSection: Section = async ({ runs, log }): Promise<SpatialResult> => {
  const file = join(BENCH_DATA_DIR, "spatial.sqlite");
  copyDatabase(BENCH_DIR, file);
  const db = new DatabaseSync(file);
  db.exec("DROP TABLE IF EXISTS villages_rtree");
  const started = performance.now();
  db.exec(`CREATE VIRTUAL TABLE villages_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);
    INSERT INTO villages_rtree SELECT rowid, lat, lat, lon, lon FROM villages WHERE lat IS NOT NULL`);
  const build = performance.now() - started;
  log(`  R*Tree over the villages built in ${ms(build)} ms`);

  const reach = maxRangeMeters(DEFAULT_COVERAGE_CONFIG);
  const cases: Case[] = [
    ...[8, 11, 14].map((zoom) => ({ name: `map viewport, zoom ${zoom}`, box: viewportBox(HANOI, zoom) })),
    { name: "a station's neighbourhood (engine)", box: bboxAround(HANOI, reach) },
  ];
  const out: SpatialResult["cases"] = [];
  for (const c of cases) {
    const grid = gridQuery(c.box);
    const rtree = rtreeQuery(c.box);
    const gridStmt = db.prepare(grid.sql);
    const rtreeStmt = db.prepare(rtree.sql);
    const n = gridStmt.all(...(grid.params as number[])).length;
    const m = rtreeStmt.all(...rtree.params).length;
    if (n !== m) throw new Error(`${c.name}: the grid finds ${n} villages, the R*Tree ${m}`);
    const timed = (run: () => unknown) =>
      repeat(runs, 3, async () => {
        const t = performance.now();
        run();
        return performance.now() - t;
      });
    out.push({
      name: c.name,
      villages: n,
      grid: await timed(() => gridStmt.all(...(grid.params as number[]))),
      rtree: await timed(() => rtreeStmt.all(...rtree.params)),
    });
  }
  db.close();
  rmSync(file, { force: true });

  const d1 = await checkD1(log);
  log("");
  log(
    table(
      [
        "box read on SQLite (node:sqlite)",
        "villages",
        "grid med",
        "grid p95",
        "R*Tree med",
        "R*Tree p95",
        "grid ÷ R*Tree",
      ],
      out.map((r) => [
        r.name,
        int(r.villages),
        ms(r.grid.median),
        ms(r.grid.p95),
        ms(r.rtree.median),
        ms(r.rtree.p95),
        ratio(r.grid.median / r.rtree.median),
      ]),
    ),
  );
  return { rtree_build_ms: build, cases: out, d1_rtree_works: d1.works, d1_export_with_rtree: d1.exported };
};
