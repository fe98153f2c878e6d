// Pulls the plug on the local server in the middle of a large import, then
// starts it again. Passes when every import is all there or not there at all,
// everything else in the database is exactly as before, and the restarted
// server serves the same figures.
//
// One import first runs to completion, to show that a finished import is all
// there and to learn how long it writes. The next ones are killed (SIGKILL to
// wrangler and workerd) while they write: the database files are watched, and
// the kill lands when they first grow, then later and later into the writing.
//
//   node scripts/reliability/faults.ts [--rows 20000] [--kills 3]
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { withLocalD1 } from "../lib/local-d1.ts";
import { Checks, type Outcome } from "./lib/check.ts";
import { runAlone, serve, type Workspace } from "./lib/scenario.ts";
import { startServer } from "./lib/server.ts";

const PREFIX = "FAULT";
// What a finished import may change: its stations and their audit entries
// (sqlite_sequence counts the audit ids), and what triggers keep: the
// per-unit station counts and the public read cache's data version. A killed
// import must change nothing at all.
const IMPORT_WRITES = new Set(["stations", "audit_log", "sqlite_sequence", "unit_station_tallies", "data_version"]);

type Digests = Record<string, string>;

const digest = (rows: unknown[]) => createHash("sha256").update(JSON.stringify(rows)).digest("hex");

// Every table as a digest, plus the stations and audit entries that are not
// the imports' own.
async function digestsOf(state: string): Promise<Digests> {
  return withLocalD1(state, async (db) => {
    const all = async (sql: string) => (await db.prepare(sql).all()).results;
    const names = (await all(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' ORDER BY name",
    )) as Array<{ name: string }>;
    const out: Digests = {};
    for (const { name } of names) out[name] = digest(await all(`SELECT * FROM "${name}" ORDER BY rowid`));
    const imported = `SELECT id FROM stations WHERE site_code LIKE '${PREFIX}-%'`;
    out["stations not imported"] = digest(
      await all(`SELECT * FROM stations WHERE id NOT IN (${imported}) ORDER BY rowid`),
    );
    out["audit entries not of imported stations"] = digest(
      await all(`SELECT * FROM audit_log WHERE entity_type != 'station' OR entity_id NOT IN (${imported}) ORDER BY id`),
    );
    return out;
  });
}

// The rows of one import and their audit entries.
async function landed(state: string, run: string): Promise<{ rows: number; audits: number }> {
  return withLocalD1(state, async (db) => {
    const rows = await db
      .prepare("SELECT count(*) AS n FROM stations WHERE site_code LIKE ?")
      .bind(`${run}-%`)
      .first<{ n: number }>();
    const audits = await db
      .prepare(
        "SELECT count(*) AS n FROM audit_log WHERE entity_type = 'station' AND entity_id IN (SELECT id FROM stations WHERE site_code LIKE ?)",
      )
      .bind(`${run}-%`)
      .first<{ n: number }>();
    return { rows: rows?.n ?? 0, audits: audits?.n ?? 0 };
  });
}

function compare(checks: Checks, when: string, before: Digests, after: Digests, allowed: Set<string>): void {
  const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t] && !allowed.has(t));
  checks.expect(changed.length === 0, `${when}: changed ${changed.join(", ")}`);
}

// Planned stations next to real villages: valid rows that change no coverage,
// so that a finished import leaves every other table as it was.
async function stationFile(state: string, run: string, rows: number): Promise<string> {
  const villages = await withLocalD1(
    state,
    async (db) =>
      (
        await db
          .prepare("SELECT lat, lon FROM villages WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY code")
          .all<{ lat: number; lon: number }>()
      ).results,
  );
  const lines = ["operator_id,site_code,name,lat,lon,technologies,antenna_height_m,status"];
  for (let i = 0; i < rows; i++) {
    const v = villages[i % villages.length] as { lat: number; lon: number };
    const lat = (v.lat + ((i % 7) - 3) * 0.0005).toFixed(6);
    const lon = (v.lon + ((i % 5) - 2) * 0.0005).toFixed(6);
    lines.push(`viettel,${run}-${i},"Trạm thử ${i}, lô lớn",${lat},${lon},4g|2g,30,planned`);
  }
  return `${lines.join("\r\n")}\r\n`;
}

// The files of the D1 database in a wrangler state directory: the database
// and its write-ahead log.
function databaseFiles(state: string): string[] {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const db = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!db) throw new Error(`no D1 database under ${dir}`);
  return [join(dir, db), join(dir, `${db}-wal`)];
}

// Sizes only: reads touch the log's modification time, and only a write makes
// a file grow. A page or two is written as any request starts; the import's
// batch writes megabytes.
const WRITING_BYTES = 256 * 1024;

const sizeOf = (files: string[]) =>
  files.reduce((sum, f) => {
    try {
      return sum + statSync(f).size;
    } catch {
      return sum;
    }
  }, 0);

// Resolves with the time the database has grown by WRITING_BYTES, or
// undefined if `until` settles first. Polls: the files belong to another
// process.
async function firstWrite(files: string[], until: Promise<unknown>): Promise<number | undefined> {
  const start = sizeOf(files);
  let settled = false;
  void until.finally(() => {
    settled = true;
  });
  while (!settled) {
    if (sizeOf(files) - start >= WRITING_BYTES) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return undefined;
}

// A started server opens the database (and its log) on the first query; that
// must not be mistaken for the import's first write.
async function warm(base: string): Promise<void> {
  await (await fetch(`${base}/api/v1/progress?unit=02`)).text();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

type Sent = { status?: number; body?: string; error?: string; ms: number };

async function postImport(base: string, token: string, file: string): Promise<Sent> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}/api/v1/import/stations`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/csv" },
      body: file,
      signal: AbortSignal.timeout(300_000),
    });
    return { status: res.status, body: (await res.text()).slice(0, 300), ms: performance.now() - started };
  } catch (err) {
    return {
      error: ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message,
      ms: performance.now() - started,
    };
  }
}

// The province's village figures; the station counts grow with each import.
async function figuresOf(base: string): Promise<string> {
  const body = (await (await fetch(`${base}/api/v1/progress?unit=02`)).json()) as Record<string, unknown>;
  const keys = ["villages_total", "villages_covered", "villages_uncovered", "villages_unknown", "coverage_pct"];
  return JSON.stringify(keys.map((k) => body[k]));
}

export async function faults(ws: Workspace, options: { rows: number; kills: number }): Promise<Outcome> {
  const checks = new Checks();
  const figures: Record<string, string | number> = { "rows per import": options.rows };
  const { server: first, state, logFile } = await serve(ws, "faults");
  let server = first;
  try {
    const figures0 = await figuresOf(server.base);
    await server.stop();
    const before = await digestsOf(state);

    // A finished import: how long it takes, and that all of it lands.
    const whole = `${PREFIX}-0`;
    const file0 = await stationFile(state, whole, options.rows);
    server = await startServer({ persistTo: state, log: logFile });
    const files = databaseFiles(state);
    await warm(server.base);
    const posted = performance.now();
    const calibration = postImport(server.base, ws.tokens.admin, file0);
    const wrote = await firstWrite(files, calibration);
    const done = await calibration;
    const writing = wrote === undefined ? 0 : posted + done.ms - wrote;
    figures["import without fault (s)"] = (done.ms / 1000).toFixed(1);
    figures["of which writing (s)"] = (writing / 1000).toFixed(1);
    checks.expect(
      done.status === 200,
      `the import without fault answered ${done.status ?? done.error} ${done.body ?? ""}`,
    );
    await server.stop();
    const complete = await landed(state, whole);
    checks.expect(
      complete.rows === options.rows && complete.audits === options.rows,
      `the finished import left ${complete.rows} rows and ${complete.audits} audit entries, not ${options.rows}`,
    );
    let current = await digestsOf(state);
    compare(checks, "the finished import", before, current, IMPORT_WRITES);

    const outcomes: string[] = [];
    let inFlight = 0;
    for (let k = 1; k <= options.kills; k++) {
      const run = `${PREFIX}-${k}`;
      const file = await stationFile(state, run, options.rows);
      server = await startServer({ persistTo: state, log: logFile });
      await warm(server.base);
      const sent = postImport(server.base, ws.tokens.admin, file);
      // The first kill as the writing starts, the last halfway through it.
      const into = (writing * 0.5 * (k - 1)) / Math.max(1, options.kills - 1);
      const began = await firstWrite(files, sent);
      if (began !== undefined) await new Promise((resolve) => setTimeout(resolve, into));
      await server.kill();
      const answer = await sent;
      if (answer.status === undefined) inFlight++;

      const { rows, audits } = await landed(state, run);
      outcomes.push(
        `${began === undefined ? "no write seen" : `${(into / 1000).toFixed(2)} s into the writing`}: ${answer.status ? `answered ${answer.status} first` : "killed in flight"}, ${rows} rows`,
      );
      checks.expect(rows === 0 || rows === options.rows, `kill ${k}: ${rows} of ${options.rows} rows landed`);
      checks.expect(audits === rows, `kill ${k}: ${audits} audit entries for ${rows} rows`);
      const after = await digestsOf(state);
      compare(checks, `kill ${k}`, current, after, rows === 0 ? new Set() : IMPORT_WRITES);
      current = after;

      server = await startServer({ persistTo: state, log: logFile });
      checks.expect(
        (await figuresOf(server.base)) === figures0,
        `kill ${k}: the restarted server reports other village figures`,
      );
      await server.stop();
    }
    figures.kills = outcomes.join("; ");
    checks.expect(inFlight > 0, "no kill landed while the import was in flight; the scenario proved nothing");
    return { name: `faults: ${options.kills} kills during an import`, figures, failures: checks.failures };
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { rows: { type: "string", default: "20000" }, kills: { type: "string", default: "3" } },
  });
  await runAlone((ws) => faults(ws, { rows: Number(values.rows), kills: Number(values.kills) }));
}
