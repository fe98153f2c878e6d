import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as tables from "../../schema/tables.ts";
import type { AppEnv } from "../env.ts";
import { countingD1, emptyStats, statsHeaders } from "./d1-stats.ts";

export const withDb = createMiddleware<AppEnv>(async (c, next) => {
  const asked = c.req.header("X-D1-Stats");
  const measured = c.env.D1_STATS === "1" && (asked === "1" || asked === "trace");
  const stats = emptyStats(asked === "trace");
  c.set("db", drizzle(measured ? countingD1(c.env.DB, stats) : c.env.DB, { schema: tables }));
  await next();
  if (!measured) return;
  // An export streams its rows as it reads them: the figures are complete
  // only once the whole body has been produced.
  const body = await c.res.arrayBuffer();
  const headers = new Headers(c.res.headers);
  for (const [name, value] of Object.entries(statsHeaders(stats))) headers.set(name, value);
  c.res = new Response(body, { status: c.res.status, statusText: c.res.statusText, headers });
  if (stats.trace) console.log(JSON.stringify({ d1_trace: c.get("requestId"), statements: stats.trace }));
});
