import { DatabaseSync } from "node:sqlite";
import { drizzle } from "drizzle-orm/d1";
import * as tables from "../schema/tables.ts";
import { planFull } from "../worker/data/engine.ts";
import { DEFAULT_COVERAGE_CONFIG } from "../worker/domain/coverage.ts";
const sqlite = new DatabaseSync("/tmp/prof.sqlite");
sqlite.exec("DELETE FROM coverage_digests");
const conv = (p: unknown[]) => p.map((x) => (typeof x === "boolean" ? Number(x) : x)) as never[];
class Stmt {
  sql: string; params: unknown[];
  constructor(sql: string, params: unknown[] = []) { this.sql = sql; this.params = params; }
  bind(...p: unknown[]) { return new Stmt(this.sql, p); }
  async all() { return { results: sqlite.prepare(this.sql).all(...conv(this.params)), meta: {} }; }
  async run() { return this.all(); }
  async raw() { const s = sqlite.prepare(this.sql); s.setReturnArrays(true); return s.all(...conv(this.params)); }
}
const d1 = { prepare: (sql: string) => new Stmt(sql), batch: async (st: Stmt[]) => Promise.all(st.map((s) => s.all())) };
const db = drizzle(d1 as never, { schema: tables });
const c0 = process.cpuUsage(); const t = performance.now();
const plan = await planFull(db, { config: DEFAULT_COVERAGE_CONFIG, cause: { cause: "x", actor: "x", at: new Date().toISOString() } });
const c = process.cpuUsage(c0);
console.log("cold planFull", plan.statements.length, "wall", (performance.now() - t).toFixed(0), "cpu", ((c.user + c.system) / 1000).toFixed(0));
