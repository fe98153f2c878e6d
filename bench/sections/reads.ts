import { join } from "node:path";
import { copyDatabase, openFloor, runFloor, traceOf } from "../lib/floor.ts";
import { d1Figures, hit } from "../lib/http.ts";
import { BENCH_DATA_DIR, BENCH_DIR, startServer } from "../lib/server.ts";
import { int, kb, ms, ratio, repeat, type Summary, table } from "../lib/stats.ts";
import { bboxParam, HANOI, viewportBox } from "../lib/viewport.ts";
import type { Section } from "./section.ts";

type ReadCase = {
  name: string;
  path: string;
  status?: number;
  // Villages in the answer, where it lists villages.
  items?: (body: string) => number;
};

const listed = (body: string) => (JSON.parse(body) as { data: unknown[] }).data.length;
const features = (body: string) => (JSON.parse(body) as { features: unknown[] }).features.length;
const mapped = (body: string) => (JSON.parse(body) as { villages: unknown[] }).villages.length;

export type ReadResult = {
  name: string;
  path: string;
  status: number;
  // Computed, from the worker's memory, and revalidated with 304.
  latency: Summary;
  cached: Summary;
  revalidated: Summary | null;
  floor: Summary;
  ratio_median: number;
  ratio_p95: number;
  bytes: number;
  items: number | null;
  queries: number;
  rows_read: number;
  rows_returned: number;
};

export const readsSection: Section = async ({ runs, log }) => {
  const floorFile = join(BENCH_DATA_DIR, "floor.sqlite");
  copyDatabase(BENCH_DIR, floorFile);
  const floor = openFloor(floorFile);
  const one = <T>(sql: string) => floor.prepare(sql).get() as T;
  const province = one<{ code: string; n: number }>(
    "SELECT province_code AS code, count(*) AS n FROM villages GROUP BY province_code ORDER BY n DESC LIMIT 1",
  );
  // The villages with the most claims: the longest explanations.
  const busy = floor
    .prepare(
      "SELECT village_code AS code FROM coverage GROUP BY village_code ORDER BY count(*) DESC, village_code LIMIT 40",
    )
    .all() as Array<{ code: string }>;

  const cases: ReadCase[] = [
    // What any request costs locally before its own queries: the worker, the
    // router and the HTTP round trip.
    { name: "baseline: unknown route, no query", path: "/api/v1/nothing", status: 404 },
    {
      name: `progress, province ${province.code} (${int(province.n)} villages)`,
      path: `/api/v1/progress?unit=${province.code}`,
    },
    { name: "progress, country (00)", path: "/api/v1/progress?unit=00" },
    ...[8, 11, 14].flatMap((zoom) => [
      {
        name: `map viewport, zoom ${zoom}`,
        path: `/api/v1/map/villages?bbox=${bboxParam(viewportBox(HANOI, zoom))}`,
        items: mapped,
      },
      {
        name: `list page in viewport, zoom ${zoom}`,
        path: `/api/v1/villages?bbox=${bboxParam(viewportBox(HANOI, zoom))}&limit=1000`,
        items: listed,
      },
    ]),
    { name: "village explanation", path: `/api/v1/villages/${busy[0]?.code}` },
    {
      name: `filtered list: ${province.code}, viettel 4g, page of 100`,
      path: `/api/v1/villages?unit=${province.code}&operator=viettel&tech=4g&limit=100`,
      items: listed,
    },
    {
      name: "filtered list: country, no signal, page of 100",
      path: "/api/v1/villages?coverage=none&limit=100",
      items: listed,
    },
    {
      name: "GeoJSON of all uncovered villages",
      path: "/api/v1/export/villages.geojson?coverage=none",
      items: features,
    },
  ];

  const server = await startServer(BENCH_DIR, "reads");
  const results: ReadResult[] = [];
  const measureCase = async (c: ReadCase): Promise<ReadResult> => {
    const url = server.url + c.path;
    const ok = c.status ?? 200;
    // The explanation rotates over busy villages, so that no single row is
    // always hot in any cache.
    const urlOf = (i: number) =>
      c.name === "village explanation" ? `${server.url}/api/v1/villages/${busy[Math.abs(i) % busy.length]?.code}` : url;
    const timed =
      (headers: Record<string, string>, expect = ok) =>
      async (i: number) => {
        const r = await hit(urlOf(i), { headers });
        if (r.status !== expect) throw new Error(`${c.path}: ${r.status} ${r.body.slice(0, 300)}`);
        last = r;
        return r.ms;
      };
    let last = await hit(url);
    // Computed every time (Cache-Control: no-cache makes the worker skip its
    // memory), from memory, and revalidated with the ETag (304).
    const uncached = await repeat(runs, 3, timed({ "Cache-Control": "no-cache" }));
    const body = last;
    const cached = await repeat(runs, 3, timed({}));
    const etag = (await hit(url)).headers.get("ETag");
    const revalidated = etag
      ? await repeat(runs, 3, async () => {
          const r = await hit(url, { headers: { "If-None-Match": etag } });
          return r.status === 304 ? r.ms : Number.NaN;
        })
      : undefined;
    const measured = await hit(url, { headers: { "X-D1-Stats": "1" } });
    const traced = await hit(url, { headers: { "X-D1-Stats": "trace" } });
    const statements = await traceOf(join(BENCH_DATA_DIR, "reads.log"), traced.headers.get("X-Request-Id") ?? "");
    // A computed answer also reads the cache's version first.
    if (etag) statements.unshift({ sql: 'select "version" from "data_version"', params: [] });
    const floorTimes = await repeat(runs, 3, async () => runFloor(floor, statements));
    return {
      name: c.name,
      path: c.path,
      status: body.status,
      latency: uncached,
      cached,
      revalidated: revalidated ?? null,
      floor: floorTimes,
      ratio_median: uncached.median / floorTimes.median,
      ratio_p95: uncached.p95 / floorTimes.p95,
      bytes: body.bytes,
      items: c.items ? c.items(body.body) : null,
      ...d1Figures(measured.headers),
    };
  };
  const failed: Array<{ name: string; error: string }> = [];
  try {
    for (const c of cases) {
      try {
        const r = await measureCase(c);
        results.push(r);
        log(
          `  ${r.name}: p95 ${ms(r.latency.p95)} ms computed, ${ms(r.cached.p95)} ms cached; floor p95 ${ms(r.floor.p95)} ms; rows read ${int(r.rows_read)}${r.items === null ? "" : ` for ${int(r.items)} villages`}`,
        );
      } catch (err) {
        failed.push({ name: c.name, error: String(err) });
        log(`  ${c.name}: FAILED ${err}`);
      }
    }
  } finally {
    await server.stop();
    floor.close();
  }

  log("");
  log(
    table(
      [
        "public read",
        "computed med",
        "p95",
        "floor med",
        "p95",
        "×floor",
        "cached p95",
        "304 p95",
        "queries",
        "rows read",
        "villages",
        "read/vill.",
        "bytes",
      ],
      results.map((r) => [
        r.name,
        ms(r.latency.median),
        ms(r.latency.p95),
        ms(r.floor.median),
        ms(r.floor.p95),
        ratio(r.ratio_median),
        ms(r.cached.p95),
        r.revalidated ? ms(r.revalidated.p95) : "",
        int(r.queries),
        int(r.rows_read),
        r.items === null ? "" : int(r.items),
        r.items ? ratio(r.rows_read / r.items) : "",
        kb(r.bytes),
      ]),
    ),
  );
  return { results, failed };
};
