// Loads the demo into a scratch SQLite database built from the real migrations
// and prints the figures it yields, to check the generator against the schema
// and the published numbers.
//
// Run: node demo/check.ts
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { computeClaims } from "../worker/domain/coverage.ts";
import { progressFigures } from "../worker/domain/progress.ts";
import { generateDemo } from "./generate.ts";
import { demoStatements } from "./sql.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

let t = performance.now();
const data = generateDemo();
const generateMs = performance.now() - t;
t = performance.now();
const statements = demoStatements(data);
const sqlMs = performance.now() - t;
const again = createHash("sha256").update(demoStatements().join("\n")).digest("hex");
const digest = createHash("sha256").update(statements.join("\n")).digest("hex");

const db = new DatabaseSync(":memory:");
db.exec("PRAGMA foreign_keys = ON");
const migrations = join(root, "schema", "migrations");
for (const file of readdirSync(migrations)
  .filter((f) => f.endsWith(".sql"))
  .sort()) {
  for (const part of readFileSync(join(migrations, file), "utf8").split("--> statement-breakpoint")) db.exec(part);
}
t = performance.now();
db.exec("BEGIN");
for (const s of statements) db.exec(s);
db.exec("COMMIT");
const loadMs = performance.now() - t;

const all = (sql: string) => db.prepare(sql).all() as Array<Record<string, unknown>>;
const one = (sql: string) => all(sql)[0] ?? {};
const tables = [
  "operators",
  "units",
  "unit_successions",
  "villages",
  "stations",
  "coverage",
  "commitments",
  "settings",
];
const counts = () => Object.fromEntries(tables.map((name) => [name, one(`SELECT count(*) AS n FROM ${name}`).n]));
const before = counts();
for (const s of statements) db.exec(s);
const after = counts();

const show = (title: string, rows: Array<Record<string, unknown>>) => {
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${Object.values(r).join("  ")}`);
};

const states = Object.fromEntries(
  all("SELECT coverage_state AS s, count(*) AS n FROM villages GROUP BY 1").map((r) => [r.s, r.n]),
);
const figures = progressFigures(states as Record<string, number>);

console.log(
  `generation ${generateMs.toFixed(0)} ms, SQL ${sqlMs.toFixed(0)} ms, load into SQLite ${loadMs.toFixed(0)} ms`,
);
console.log(
  `${statements.length} statements, ${(statements.join("\n").length / 1e6).toFixed(2)} M characters, ` +
    `largest ${Math.max(...statements.map((s) => new TextEncoder().encode(s).length))} bytes`,
);
console.log(`sha256 ${digest} (${digest === again ? "identical on a second run" : "DIFFERS on a second run"})`);
console.log("rows:", before);
console.log(
  `loaded twice: ${JSON.stringify(before) === JSON.stringify(after) ? "no change" : `CHANGED ${JSON.stringify(after)}`}`,
);
console.log(`foreign key violations: ${all("PRAGMA foreign_key_check").length}`);
console.log("progress:", figures);

show("units per era and level", all("SELECT era, level, count(*) FROM units GROUP BY 1, 2 ORDER BY 1 DESC, 2"));
show("successions per merge type", all("SELECT merge_type, count(*) FROM unit_successions GROUP BY 1"));
show("villages per coverage state", all("SELECT coverage_state, count(*) FROM villages GROUP BY 1 ORDER BY 2 DESC"));
show("villages per best technology", all("SELECT best_tech, count(*) FROM villages GROUP BY 1 ORDER BY 1"));
show(
  "villages per old district (total, without signal)",
  all(
    `SELECT u.code, u.name, count(*), sum(v.coverage_state = 'none')
     FROM villages v JOIN units u ON u.code = v.old_district_code AND u.era = 'pre2025' GROUP BY 1 ORDER BY 1`,
  ),
);
show(
  "villages per old commune (min, avg, max)",
  all(
    `SELECT min(n), round(avg(n), 2), max(n), count(*) AS communes
     FROM (SELECT count(*) AS n FROM villages GROUP BY old_commune_code)`,
  ),
);
show(
  "villages per 2025 commune (communes, min, max)",
  all(
    "SELECT count(*), min(n), max(n) FROM (SELECT count(*) AS n FROM villages WHERE province_code = '08' GROUP BY commune_code)",
  ),
);
show(
  "households and population (min, max, avg per household)",
  all(
    "SELECT min(households), max(households), min(population), max(population), round(avg(population * 1.0 / households), 2) FROM villages",
  ),
);
show("search 'lung cu'", all("SELECT code, name FROM villages WHERE name_normalized LIKE '%lung cu%'"));
show(
  "duplicate village names within a 2025 commune",
  all("SELECT commune_code, name_normalized, count(*) FROM villages GROUP BY 1, 2 HAVING count(*) > 1"),
);
show("stations per status", all("SELECT status, count(*) FROM stations GROUP BY 1 ORDER BY 2 DESC"));
show(
  "stations per operator (total, on air, share %)",
  all(
    `SELECT operator_id, count(*), sum(status = 'on_air'), round(count(*) * 100.0 / (SELECT count(*) FROM stations), 1)
     FROM stations GROUP BY 1 ORDER BY 2 DESC`,
  ),
);
show("stations per technology set", all("SELECT technologies, count(*) FROM stations GROUP BY 1 ORDER BY 2 DESC"));
show(
  "5G stations per 2025 commune",
  all("SELECT commune_code, count(*) FROM stations WHERE technologies LIKE '%5g%' GROUP BY 1"),
);
show(
  "station dates (first planned, last on air, antenna height range)",
  all(
    "SELECT min(planned_at), max(on_air_at), max(outage_at), min(antenna_height_m), max(antenna_height_m) FROM stations",
  ),
);
show(
  "not-on-air stations within 6 km of a village without signal",
  all(
    `SELECT s.id, s.operator_id, s.status, s.technologies, s.planned_on_air_date, count(*) AS villages,
            round(min((v.lat - s.lat) * (v.lat - s.lat) * 1.2365e10 + (v.lon - s.lon) * (v.lon - s.lon) * 1.0486e10), 0) AS d2
     FROM stations s JOIN villages v ON v.coverage_state = 'none'
       AND (v.lat - s.lat) * (v.lat - s.lat) * 1.2365e10 + (v.lon - s.lon) * (v.lon - s.lon) * 1.0486e10 < 36e6
     WHERE s.status IN ('planned', 'permitted', 'building') GROUP BY s.id ORDER BY s.id`,
  ).map((r) => ({ ...r, d2: `nearest ${Math.round(Math.sqrt(Number(r.d2)))} m` })),
);
// What a later update would change: each station planned near the villages
// without signal, switched on alone.
const holes = data.villages
  .filter((v) => v.coverage_state === "none")
  .map((v) => ({ code: v.code, lat: v.lat ?? null, lon: v.lon ?? null }));
show(
  "villages without signal that each not-yet-built station would reach on air",
  data.stations.flatMap((s) => {
    if (!["planned", "permitted", "building"].includes(s.status ?? "")) return [];
    const reached = computeClaims(holes, [{ ...s, status: "on_air" }]).map((c) => c.village_code);
    const villages = [...new Set(reached)];
    return villages.length > 0
      ? [{ id: s.id, operator: s.operator_id, status: s.status, villages: villages.join(" ") }]
      : [];
  }),
);
show(
  "coverage claims per operator and technology (claims, good)",
  all("SELECT operator_id, tech, count(*), sum(level = 'good') FROM coverage GROUP BY 1, 2"),
);
show(
  "commitments (village, operator, due, overdue on 2026-11-23, blockers)",
  all(
    `SELECT c.village_code, v.name, c.operator_id, c.target_date, c.target_date < '2026-11-23',
            (SELECT group_concat(json_extract(j.value, '$.kind')) FROM json_each(c.blockers) j)
     FROM commitments c JOIN villages v ON v.code = c.village_code ORDER BY c.target_date`,
  ),
);
show("settings", all("SELECT key, value FROM settings"));

// The figures the demo exists to reproduce; any other outcome fails the run.
const expected: Array<[string, unknown, unknown]> = [
  ["villages", before.villages, 2072],
  ["stations", before.stations, 2418],
  ["villages without signal", states.none, 23],
  ["coverage %", figures.coverage_pct, 98.89],
  ["pre-2025 units", one("SELECT count(*) AS n FROM units WHERE era = 'pre2025'").n, 205],
  ["2025 units", one("SELECT count(*) AS n FROM units WHERE era = '2025'").n, 125],
  ["successions", before.unit_successions, 196],
  ["claims not effective", one("SELECT count(*) AS n FROM coverage WHERE NOT effective").n, 0],
  ["second load changed nothing", JSON.stringify(before) === JSON.stringify(after), true],
  ["same SQL on a second run", digest === again, true],
];
const wrong = expected.filter(([, actual, want]) => actual !== want);
for (const [what, actual, want] of wrong) console.error(`WRONG ${what}: ${actual}, expected ${want}`);
if ((before.coverage as number) === 0) wrong.push(["coverage rows", 0, "some"]);
console.log(wrong.length === 0 ? "\nall figures as expected" : "");
process.exitCode = wrong.length === 0 ? 0 : 1;
