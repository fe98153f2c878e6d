// Issue 5's targets, checked against the figures of the latest run of each
// section (results.json keeps them across `--only` runs): what the README's
// performance section reports.

import { int, kb, ms, ratio, type Summary, table } from "./lib/stats.ts";
import type { LoadReport } from "./load.ts";
import type { ImportResult } from "./sections/import.ts";
import type { MapResult } from "./sections/map.ts";
import type { PostgisResult } from "./sections/postgis.ts";
import type { ReadResult } from "./sections/reads.ts";
import type { SizeResult } from "./sections/size.ts";
import type { WritesResult } from "./sections/writes.ts";

export type Results = {
  load?: LoadReport;
  reads?: { results: ReadResult[] };
  writes?: WritesResult;
  postgis?: PostgisResult;
  import?: ImportResult;
  map?: MapResult | { skipped: string };
  size?: SizeResult;
};

type Row = { target: string; measured: string; met: boolean | null };

const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "met" : "missed");
const missing = (target: string): Row => ({ target, measured: "–", met: null });

function reads(r: Results["reads"]): Row[] {
  const answers = (r?.results ?? []).filter((x) => x.status === 200);
  if (answers.length === 0) {
    return [missing("public reads p95 ≤ 20 ms"), missing("public reads ≤ 3× the SQLite floor")];
  }
  const worst = (of: ReadResult[], pick: (x: ReadResult) => number) => of.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  const slow = worst(answers, (x) => x.latency.p95);
  const slowCached = worst(answers, (x) => x.cached.p95);
  const within = answers.filter((x) => x.latency.p95 <= 20).length;
  const far = worst(answers, (x) => x.ratio_median);
  // What every request costs locally before its own queries (a route that
  // runs none): the ratio without it says what the queries themselves cost.
  const baseline = (r?.results ?? []).find((x) => x.name.startsWith("baseline"))?.latency.median ?? 0;
  const net = (x: ReadResult) => Math.max(0, x.latency.median - baseline) / x.floor.median;
  const farNet = worst(answers, net);
  const rowsRatio = (x: ReadResult) => x.rows_read / Math.max(1, x.items ?? 0);
  const viewports = answers.filter((x) => x.path.includes("/map/villages"));
  const loosest = viewports.length > 0 ? worst(viewports, rowsRatio) : undefined;
  return [
    {
      target: "public reads p95 ≤ 20 ms (computed)",
      measured: `${within} of ${answers.length} within; slowest ${slow.name}: ${ms(slow.latency.p95)} ms`,
      met: within === answers.length,
    },
    {
      target: "public reads p95 ≤ 20 ms (repeated, from the cache)",
      measured: `slowest ${slowCached.name}: ${ms(slowCached.cached.p95)} ms`,
      met: slowCached.cached.p95 <= 20,
    },
    {
      target: "public reads ≤ 3× the SQLite floor (median)",
      measured: `highest ${far.name}: ${ratio(far.ratio_median)}; less the ${ms(baseline)} ms of any request, highest ${farNet.name}: ${ratio(net(farNet))}`,
      met: far.ratio_median <= 3,
    },
    loosest
      ? {
          target: "rows read per viewport ≤ 1.5 × rows returned",
          measured: `worst ${loosest.name}: ${ratio(rowsRatio(loosest))}`,
          met: rowsRatio(loosest) <= 1.5,
        }
      : missing("rows read per viewport ≤ 1.5 × rows returned"),
  ];
}

function writes(w: WritesResult | undefined, p: PostgisResult | undefined): Row[] {
  if (!w) {
    return ["station change p95 ≤ 25 ms", "≥ 100× faster than a full recompute", "full national recompute ≤ 2 s"].map(
      missing,
    );
  }
  const rows: Row[] = [
    {
      target: "station change with recompute p95 ≤ 25 ms",
      measured: `${ms(w.on_air.p95)} ms (median ${ms(w.on_air.median)})`,
      met: w.on_air.p95 <= 25,
    },
    {
      target: "≥ 100× faster than the full recompute",
      measured: `${ratio(w.ratio_median)} (median); ${ratio(w.full_cold.median / w.on_air.median)} against one with no digests`,
      met: w.ratio_median >= 100,
    },
    {
      target: "full national recompute ≤ 2 s",
      measured: `${ms(w.full.median)} ms median, ${ms(w.full.p95)} p95; ${ms(w.full_cold.median)} ms with no digests`,
      met: w.full.p95 <= 2000,
    },
  ];
  if (!p || "skipped" in p) rows.push(missing("full recompute no slower than PostGIS"));
  else {
    rows.push({
      target: "full recompute no slower than PostGIS",
      measured: `${ms(w.full_cold.median)} ms (no digests) vs PostGIS ${ms(p.compute.median)} ms (compute only)`,
      met: w.full_cold.median <= p.compute.median,
    });
  }
  return rows;
}

function imports(load: LoadReport | undefined, i: ImportResult | undefined): Row[] {
  const rates: Array<[string, number]> = [];
  if (load) rates.push(["into an empty country", load.villages.per_second]);
  if (i) rates.push(["into the loaded country", i.into_loaded.rows / i.into_loaded.seconds]);
  if (rates.length === 0) return [missing("import ≥ 2,000 villages/s")];
  return [
    {
      target: "import ≥ 2,000 villages/s (end to end, CLI)",
      measured: rates.map(([what, rate]) => `${int(rate)}/s ${what}`).join("; "),
      met: rates.every(([, rate]) => rate >= 2000),
    },
  ];
}

function map(m: Results["map"], size: SizeResult | undefined): Row[] {
  const rows: Row[] = [];
  const entries = m && !("skipped" in m) ? Object.entries(m as MapResult) : [];
  const demo = entries.find(([name]) => name.startsWith("demo"))?.[1];
  const country = entries.find(([name]) => name.startsWith("country"))?.[1];
  const p95 = (s: Summary | undefined) => (s ? `${ms(s.p95)} ms p95 (median ${ms(s.median)})` : "–");
  rows.push(
    demo
      ? { target: "demo map drawn ≤ 1 s", measured: p95(demo.drawn), met: demo.drawn.p95 <= 1000 }
      : missing("demo map drawn ≤ 1 s"),
    country
      ? {
          target: "100k points interactive ≤ 2 s",
          measured: `${p95(country.interactive)}, ${int(country.villages)} villages`,
          met: country.interactive.p95 <= 2000,
        }
      : missing("100k points interactive ≤ 2 s"),
  );
  if (size) {
    const biggest = size.pages.reduce((a, b) => (b.gzip > a.gzip ? b : a));
    rows.push({
      target: "front-end JS ≤ 200 KB gzipped",
      measured: `largest page ${biggest.page}: ${kb(biggest.gzip)}; all pages together ${kb(size.all.gzip)}`,
      met: biggest.gzip <= 200 * 1024,
    });
  } else rows.push(missing("front-end JS ≤ 200 KB gzipped"));
  return rows;
}

export function targetsTable(results: Results): string {
  const rows = [
    ...reads(results.reads),
    ...writes(results.writes, results.postgis),
    ...imports(results.load, results.import),
    ...map(results.map, results.size),
  ];
  return table(
    ["target", "measured", "verdict"],
    rows.map((r) => [r.target, r.measured, verdict(r.met)]),
  );
}
