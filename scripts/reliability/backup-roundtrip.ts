// Backs up the demo province with `npm run backup`, restores it into an empty
// database with `npm run restore`, and compares the two databases table by
// table, row by row. Also checks that a restore refuses a database that is not
// empty, and replaces it with --force.
//
//   node scripts/reliability/backup-roundtrip.ts
import { execFile } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { withLocalD1 } from "../lib/local-d1.ts";
import { ROOT } from "../lib/wrangler.ts";
import { Checks, type Outcome } from "./lib/check.ts";
import { runAlone, type Workspace } from "./lib/scenario.ts";

const run = promisify(execFile);

// Through the npm scripts' own entry points, as a user runs them.
async function npmScript(script: "backup" | "restore", args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "scripts", `${script}.ts`), ...args], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

type Contents = Record<string, unknown[]>;

// Every table (and SQLite's autoincrement counters) with every row, and the
// schema: what a restore must give back.
async function contentsOf(state: string): Promise<Contents> {
  return withLocalD1(state, async (db) => {
    const schema = (
      await db
        .prepare(
          "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name",
        )
        .all<{ type: string; name: string; sql: string | null }>()
    ).results;
    const out: Contents = {
      "(schema)": schema.map((s) => ({ ...s, sql: s.sql?.replace(/^CREATE TABLE IF NOT EXISTS/, "CREATE TABLE") })),
    };
    for (const t of schema.filter((s) => s.type === "table")) {
      out[t.name] = (await db.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all()).results;
    }
    return out;
  });
}

export async function backupRoundtrip(ws: Workspace): Promise<Outcome> {
  const checks = new Checks();
  const dir = join(ws.dir, "backup");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "demo.sql");
  const restored = join(dir, "restored");

  const started = performance.now();
  const backup = await npmScript("backup", ["--persist-to", ws.template, "--out", file]);
  const backupMs = performance.now() - started;
  checks.expect(backup.code === 0, `npm run backup failed: ${backup.output}`);

  const restoring = performance.now();
  const restore = await npmScript("restore", [file, "--persist-to", restored]);
  const restoreMs = performance.now() - restoring;
  checks.expect(restore.code === 0, `npm run restore failed: ${restore.output}`);

  const [source, copy] = [await contentsOf(ws.template), await contentsOf(restored)];
  const differing = Object.keys({ ...source, ...copy }).filter(
    (t) => JSON.stringify(source[t]) !== JSON.stringify(copy[t]),
  );
  checks.expect(differing.length === 0, `restored tables differ: ${differing.join(", ")}`);
  const villages = (copy.villages ?? []) as Array<{ coverage_state: string }>;
  const uncovered = villages.filter((v) => v.coverage_state === "none").length;
  checks.expect(
    villages.length === 2072 && uncovered === 23,
    `restored ${villages.length} villages, ${uncovered} without signal`,
  );

  const again = await npmScript("restore", [file, "--persist-to", restored]);
  checks.expect(
    again.code === 3 && /not empty/.test(again.output),
    `a second restore was not refused: ${again.output}`,
  );
  const forced = await npmScript("restore", [file, "--persist-to", restored, "--force"]);
  checks.expect(forced.code === 0, `restore --force failed: ${forced.output}`);
  const afterForce = await contentsOf(restored);
  checks.expect(
    JSON.stringify(afterForce) === JSON.stringify(source),
    "restore --force did not give back the same database",
  );

  const rows = Object.entries(source)
    .filter(([t]) => t !== "(schema)")
    .reduce((n, [, r]) => n + r.length, 0);
  return {
    name: "backup and restore of the demo province",
    figures: {
      tables: Object.keys(source).length - 1,
      rows,
      "backup file (MB)": (statSync(file).size / 1024 / 1024).toFixed(1),
      "backup (s)": (backupMs / 1000).toFixed(1),
      "restore (s)": (restoreMs / 1000).toFixed(1),
      "tables differing after restore": differing.length,
    },
    failures: checks.failures,
  };
}

if (import.meta.main) await runAlone(backupRoundtrip);
