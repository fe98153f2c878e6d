import { BENCH_DIR, startServer } from "./lib/server.ts";
const s = await startServer(BENCH_DIR, "dbg");
for (const p of ["/api/v1/villages?unit=80&operator=viettel&tech=4g&limit=100", "/api/v1/villages?coverage=none&limit=100"]) {
  const t = performance.now();
  try {
    const r = await fetch(s.url + p);
    const b = await r.text();
    console.log(p, r.status, (performance.now() - t).toFixed(0), b.slice(0, 200));
  } catch (e) { console.log(p, "ERR", (performance.now() - t).toFixed(0), e, (e as Error).cause); }
}
await s.stop();
