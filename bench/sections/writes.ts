import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { d1File } from "../lib/floor.ts";
import { d1Figures, hit } from "../lib/http.ts";
import { BENCH_DATA_DIR, BENCH_DIR, type Server, startServer } from "../lib/server.ts";
import { int, ms, ratio, repeat, type Summary, summarize, table } from "../lib/stats.ts";
import type { Section } from "./section.ts";

export const SCRATCH_DIR = join(BENCH_DATA_DIR, "scratch");

// Writes run on a copy of the national database, so that the reads measure
// the same data every time.
export function scratchCopy(): void {
  rmSync(SCRATCH_DIR, { recursive: true, force: true });
  cpSync(BENCH_DIR, SCRATCH_DIR, { recursive: true });
}

export const adminToken = () => readFileSync(join(BENCH_DATA_DIR, "token"), "utf8").trim();

type Station = { id: string; version: number };

async function json<T>(server: Server, path: string, init: RequestInit = {}): Promise<T> {
  const r = await hit(server.url + path, init);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 300)}`);
  return JSON.parse(r.body) as T;
}

export type WritesResult = {
  on_air: Summary;
  on_air_villages_changed: Summary;
  on_air_d1: ReturnType<typeof d1Figures>;
  full: Summary;
  full_changes: number;
  full_cold: Summary;
  ratio_median: number;
  ratio_p95: number;
};

export const writesSection: Section = async ({ runs, log }) => {
  scratchCopy();
  const auth = { Authorization: `Bearer ${adminToken()}`, "Content-Type": "application/json" };
  let server = await startServer(SCRATCH_DIR, "writes");
  try {
    // Stations being built, each brought on air once.
    const building = await json<{ data: Station[] }>(server, `/api/v1/stations?status=building&limit=${runs + 4}`);
    if (building.data.length < runs + 4) throw new Error(`only ${building.data.length} stations are being built`);
    const onAir = (s: Station, headers: Record<string, string> = {}) =>
      hit(`${server.url}/api/v1/stations/${s.id}`, {
        method: "PATCH",
        headers: { ...auth, "If-Match": `"${s.version}"`, ...headers },
        body: JSON.stringify({ status: "on_air" }),
      });
    const changed: number[] = [];
    const stations = [...building.data];
    const latency = await repeat(runs, 3, async () => {
      const r = await onAir(stations.shift() as Station);
      if (r.status !== 200) throw new Error(`PATCH on air: ${r.status} ${r.body.slice(0, 300)}`);
      changed.push((JSON.parse(r.body) as { coverage_changes: unknown[] }).coverage_changes.length);
      return r.ms;
    });
    const measured = await onAir(stations.shift() as Station, { "X-D1-Stats": "1" });
    log(`  station on air + recompute: median ${ms(latency.median)} ms, p95 ${ms(latency.p95)} ms`);

    const fullRuns = Math.max(3, Math.min(runs, 5));
    let changes = 0;
    const full = await repeat(fullRuns, 1, async () => {
      const r = await hit(`${server.url}/api/v1/admin/recompute`, { method: "POST", headers: auth, body: "{}" });
      if (r.status !== 200) throw new Error(`recompute: ${r.status} ${r.body.slice(0, 300)}`);
      changes = (JSON.parse(r.body) as { changes_count: number }).changes_count;
      return r.ms;
    });
    log(`  full national recompute: median ${ms(full.median)} ms, p95 ${ms(full.p95)} ms (${changes} changes)`);

    // The worst case: no digest left, every village read back and compared.
    const cold: number[] = [];
    for (let i = 0; i < 2; i++) {
      await server.stop();
      const db = new DatabaseSync(d1File(SCRATCH_DIR));
      db.exec("DELETE FROM coverage_digests");
      db.close();
      server = await startServer(SCRATCH_DIR, "writes");
      const r = await hit(`${server.url}/api/v1/admin/recompute`, { method: "POST", headers: auth, body: "{}" });
      if (r.status !== 200) throw new Error(`recompute: ${r.status} ${r.body.slice(0, 300)}`);
      cold.push(r.ms);
    }
    const fullCold = summarize(cold);
    log(`  full recompute with no digests: median ${ms(fullCold.median)} ms`);

    const result: WritesResult = {
      on_air: latency,
      on_air_villages_changed: summarize(changed),
      on_air_d1: d1Figures(measured.headers),
      full,
      full_changes: changes,
      full_cold: fullCold,
      ratio_median: full.median / latency.median,
      ratio_p95: full.p95 / latency.p95,
    };
    log("");
    log(
      table(
        ["write", "median ms", "p95 ms", "runs", "notes"],
        [
          [
            "station on air + its recompute",
            ms(latency.median),
            ms(latency.p95),
            String(latency.runs),
            `${int(result.on_air_villages_changed.median)} villages changed (median); ${int(result.on_air_d1.rows_read)} rows read, ${int(result.on_air_d1.rows_written)} written`,
          ],
          ["full national recompute", ms(full.median), ms(full.p95), String(full.runs), `${changes} changes`],
          [
            "full recompute, no digests",
            ms(fullCold.median),
            ms(fullCold.p95),
            String(fullCold.runs),
            "every village read back",
          ],
          ["full ÷ station on air", ratio(result.ratio_median), ratio(result.ratio_p95), "", "median, p95"],
        ],
      ),
    );
    return result;
  } finally {
    await server.stop();
  }
};
