import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

export type Statement = { sql: string; params: unknown[] };

// The D1 database file of a local persist directory (wrangler keeps one
// SQLite file per database under v3/d1).
export function d1File(persistTo: string): string {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database in ${dir}`);
  return join(dir, file);
}

// A copy of the database, taken while no server has it open, so that the
// floor runs on the very same data and pages as the endpoint.
export function copyDatabase(persistTo: string, to: string): void {
  const from = d1File(persistTo);
  copyFileSync(from, to);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
  }
}

export function openFloor(file: string): DatabaseSync {
  const db = new DatabaseSync(file, { readOnly: true });
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}

// The statements a request ran, as the worker logged them (X-D1-Stats: trace),
// taken from the server's log, which may reach the file a moment after the
// response.
export async function traceOf(logFile: string, requestId: string): Promise<Statement[]> {
  const marker = `{"d1_trace":"${requestId}"`;
  for (let attempt = 0; attempt < 50; attempt++) {
    for (const line of readFileSync(logFile, "utf8").split("\n").reverse()) {
      const at = line.indexOf(marker);
      if (at >= 0) return (JSON.parse(line.slice(at)) as { statements: Statement[] }).statements;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no D1 trace for request ${requestId} in ${logFile}`);
}

// The same statements straight on SQLite, one after the other, in
// milliseconds: what the endpoint's queries cost without D1, the Worker and
// HTTP in between.
export function runFloor(db: DatabaseSync, statements: Statement[]): number {
  const started = performance.now();
  for (const s of statements) {
    const params = s.params.map((p) => (typeof p === "boolean" ? Number(p) : p)) as SQLInputValue[];
    db.prepare(s.sql).all(...params);
  }
  return performance.now() - started;
}
