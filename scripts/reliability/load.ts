// 200 concurrent readers on the public endpoints for a while, with autocannon
// against a local wrangler dev serving the demo province. Passes with zero
// errors (connection errors, timeouts, non-2xx); prints throughput and latency.
//
//   node scripts/reliability/load.ts [--seconds 60] [--connections 200]
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Checks, type Outcome, percentile } from "./lib/check.ts";
import { runAlone, serve, type Workspace } from "./lib/scenario.ts";

// A request unanswered after this long counts as an error. Browsers wait
// minutes; 200 readers on one local workerd queue for several seconds.
const TIMEOUT_S = 30;

// What the map and open-data users ask for most, over one province.
async function publicPaths(base: string): Promise<string[]> {
  const villages = (await (await fetch(`${base}/api/v1/villages?unit=02&limit=50`)).json()) as {
    data: Array<{ code: string; commune_code: string }>;
  };
  const codes = villages.data.slice(0, 5).map((v) => v.code);
  const commune = villages.data[0]?.commune_code;
  if (codes.length === 0 || !commune) throw new Error("the demo province has no villages");
  return [
    "/api/v1/progress?unit=02",
    "/api/v1/progress?unit=08",
    "/api/v1/villages?unit=02&coverage=none&limit=100",
    "/api/v1/villages?unit=02&limit=100",
    "/api/v1/map/villages?unit=02",
    "/api/v1/stations?unit=02&status=on_air&limit=100",
    "/api/v1/units?parent=02",
    "/api/v1/commitments?unit=02",
    "/api/v1/coverage-config",
    `/api/v1/export/villages.csv?unit=${commune}`,
    ...codes.map((c) => `/api/v1/villages/${encodeURIComponent(c)}`),
  ];
}

export async function load(ws: Workspace, options: { seconds: number; connections: number }): Promise<Outcome> {
  const { server } = await serve(ws, "load");
  try {
    const paths = await publicPaths(server.base);
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const run = autocannon({
      url: server.base,
      connections: options.connections,
      duration: options.seconds,
      timeout: TIMEOUT_S,
      requests: paths.map((path) => ({ method: "GET", path })),
    });
    run.on("response", (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
    const result = await run;
    latencies.sort((a, b) => a - b);
    const checks = new Checks();
    checks.expect(result.errors === 0, `${result.errors} connection errors`);
    checks.expect(result.timeouts === 0, `${result.timeouts} timeouts`);
    checks.expect(
      result.non2xx === 0,
      `${result.non2xx} non-2xx answers: ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    checks.expect(result.requests.total > 0, "no request was answered");
    return {
      name: `load: ${options.connections} readers for ${options.seconds} s`,
      figures: {
        endpoints: paths.length,
        requests: result.requests.total,
        "throughput (req/s)": (result.requests.total / result.duration).toFixed(0),
        "latency p50 (ms)": Math.round(percentile(latencies, 50)),
        "latency p95 (ms)": Math.round(percentile(latencies, 95)),
        "latency p99 (ms)": Math.round(percentile(latencies, 99)),
        "latency max (ms)": Math.round(latencies.at(-1) ?? Number.NaN),
        "errors / timeouts / non-2xx": `${result.errors} / ${result.timeouts} / ${result.non2xx}`,
        "bytes read (MB)": (result.throughput.total / 1024 / 1024).toFixed(1),
      },
      failures: checks.failures,
    };
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "60" }, connections: { type: "string", default: "200" } },
  });
  await runAlone((ws) => load(ws, { seconds: Number(values.seconds), connections: Number(values.connections) }));
}
