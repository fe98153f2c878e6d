import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_COVERAGE_CONFIG } from "../../worker/domain/coverage.ts";
import { copyDatabase, openFloor } from "../lib/floor.ts";
import { BENCH_DATA_DIR, BENCH_DIR } from "../lib/server.ts";
import { int, ms, type Summary, summarize, table } from "../lib/stats.ts";
import type { Section } from "./section.ts";

const DATABASE = "phusong_bench";

// Debian's PostgreSQL with PostGIS, as `apt-get install postgresql
// postgresql-15-postgis-3` sets it up: the newest cluster, run as postgres.
function cluster(): { version: string; name: string } | undefined {
  const listed = spawnSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
  if (listed.status !== 0) return undefined;
  const [version, name] = (listed.stdout.trim().split("\n").at(-1) ?? "").split(/\s+/);
  if (!version || !name) return undefined;
  const extensions = `/usr/share/postgresql/${version}/extension`;
  if (!existsSync(extensions) || !readdirSync(extensions).some((f) => f === "postgis.control")) return undefined;
  return { version, name };
}

function psql(args: string[], input?: string): Promise<string> {
  const child = spawn("runuser", ["-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
  });
  child.stdin.end(input ?? "");
  return new Promise((resolve, reject) =>
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`psql: ${err || out}`)))),
  );
}

// Statements run in one psql session with \timing; returns each one's time.
async function timed(sql: string[]): Promise<number[]> {
  // Sorts of a few million rows fit in memory rather than spilling to disk.
  const out = await psql(["-d", DATABASE], `SET work_mem = '512MB';\n\\timing on\n${sql.join("\n")}\n`);
  return [...out.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1]));
}

const csv = (rows: unknown[][]) =>
  rows
    .map((r) =>
      r.map((v) => (v === null ? "" : typeof v === "string" ? `"${v.replaceAll('"', '""')}"` : String(v))).join(","),
    )
    .join("\n");

// The claims the engine computes (worker/domain/coverage.ts), as one query: on
// the sphere (use_spheroid false) like the engine's haversine, best claim per
// village × operator × technology by level, rounded distance, station id.
const CLAIMS = `
  SELECT DISTINCT ON (v.code, s.operator_id, t.tech)
    v.code AS village_code, s.operator_id, t.tech, s.id AS station_id, round(d.m) AS distance_m,
    CASE WHEN d.m <= r.range_m * r.good_fraction THEN 'good' ELSE 'weak' END AS level
  FROM villages v
  JOIN stations s ON ST_DWithin(s.geog, v.geog, s.reach_m, false)
  CROSS JOIN LATERAL unnest(s.techs) AS t(tech)
  JOIN ranges r ON r.tech = t.tech
  CROSS JOIN LATERAL (SELECT ST_Distance(s.geog, v.geog, false) AS m) AS d
  WHERE d.m <= r.range_m
  ORDER BY v.code, s.operator_id, t.tech, (d.m <= r.range_m * r.good_fraction) DESC, round(d.m), s.id`;

export type PostgisResult =
  | { skipped: string }
  | { compute: Summary; compute_and_write: Summary; claims: number; claims_d1: number; version: string };

export const postgisSection: Section = async ({ runs, log }): Promise<PostgisResult> => {
  const found = cluster();
  if (!found) {
    const skipped =
      "PostgreSQL with PostGIS is not installed: skipped. On Debian: apt-get install postgresql postgresql-15-postgis-3";
    log(`  ${skipped}`);
    return { skipped };
  }
  const status = spawnSync("pg_ctlcluster", [found.version, found.name, "status"]);
  const started = status.status !== 0;
  if (started) {
    const start = spawnSync("pg_ctlcluster", [found.version, found.name, "start"], { encoding: "utf8" });
    if (start.status !== 0) throw new Error(`could not start PostgreSQL: ${start.stderr}`);
  }
  try {
    const exists = await psql(["-d", "postgres", "-tAc", `SELECT 1 FROM pg_database WHERE datname = '${DATABASE}'`]);
    if (exists.trim() !== "1") await psql(["-d", "postgres", "-c", `CREATE DATABASE ${DATABASE}`]);
    const version = (
      await psql(["-d", DATABASE, "-tAc", "CREATE EXTENSION IF NOT EXISTS postgis; SELECT postgis_lib_version()"])
    ).trim();

    log("  loading the national villages and stations into PostGIS…");
    const floorFile = join(BENCH_DATA_DIR, "floor.sqlite");
    copyDatabase(BENCH_DIR, floorFile);
    const db = openFloor(floorFile);
    const villages = db.prepare("SELECT code, lat, lon FROM villages WHERE lat IS NOT NULL").all() as Array<{
      code: string;
      lat: number;
      lon: number;
    }>;
    const stations = db
      .prepare("SELECT id, operator_id, lat, lon, technologies FROM stations WHERE status = 'on_air'")
      .all() as Array<{ id: string; operator_id: string; lat: number; lon: number; technologies: string }>;
    const claimsD1 = (db.prepare("SELECT count(*) AS n FROM coverage WHERE source = 'computed'").get() as { n: number })
      .n;
    db.close();
    const cfg = DEFAULT_COVERAGE_CONFIG;
    await psql(
      ["-d", DATABASE],
      `DROP TABLE IF EXISTS villages, stations, ranges, claims;
       CREATE TABLE villages (code text PRIMARY KEY, lat float8, lon float8, geog geography(Point, 4326));
       CREATE TABLE stations (id text PRIMARY KEY, operator_id text, lat float8, lon float8, techs text[], reach_m float8, geog geography(Point, 4326));
       CREATE TABLE ranges (tech text PRIMARY KEY, range_m float8, good_fraction float8);
       INSERT INTO ranges VALUES ${Object.entries(cfg.ranges_km)
         .map(([t, km]) => `('${t}', ${km * 1000}, ${cfg.good_fraction})`)
         .join(", ")};
       \\copy villages (code, lat, lon) FROM STDIN WITH (FORMAT csv)
${csv(villages.map((v) => [v.code, v.lat, v.lon]))}
\\.
       \\copy stations (id, operator_id, lat, lon, techs) FROM STDIN WITH (FORMAT csv)
${csv(stations.map((s) => [s.id, s.operator_id, s.lat, s.lon, `{${(JSON.parse(s.technologies) as string[]).join(",")}}`]))}
\\.
       UPDATE villages SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
       UPDATE stations SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography,
         reach_m = (SELECT max(range_m) FROM ranges WHERE tech = ANY (techs));
       CREATE INDEX villages_geog ON villages USING gist (geog);
       CREATE INDEX stations_geog ON stations USING gist (geog);
       VACUUM ANALYZE villages; VACUUM ANALYZE stations;`,
    );

    const n = Math.max(3, Math.min(runs, 5));
    const compute = summarize(await timed(Array.from({ length: n }, () => `SELECT count(*) FROM (${CLAIMS}) AS c;`)));
    const write = summarize(
      (
        await timed(
          Array.from({ length: n }, () => `DROP TABLE IF EXISTS claims; CREATE UNLOGGED TABLE claims AS ${CLAIMS};`),
        )
      ).filter((_, i) => i % 2 === 1),
    );
    const claims = Number((await psql(["-d", DATABASE, "-tAc", "SELECT count(*) FROM claims"])).trim());
    log("");
    log(
      table(
        [`PostGIS ${version}, GiST on geography`, "median ms", "p95 ms", "runs", "claims"],
        [
          [
            "all claims, ST_DWithin (compute only)",
            ms(compute.median),
            ms(compute.p95),
            String(compute.runs),
            int(claims),
          ],
          ["all claims into a table", ms(write.median), ms(write.p95), String(write.runs), int(claims)],
          ["(the engine's stored claims)", "", "", "", int(claimsD1)],
        ],
      ),
    );
    return { compute, compute_and_write: write, claims, claims_d1: claimsD1, version };
  } finally {
    if (started) spawnSync("pg_ctlcluster", [found.version, found.name, "stop"]);
  }
};
