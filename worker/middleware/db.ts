import { drizzle } from "drizzle-orm/d1";
import { createMiddleware } from "hono/factory";
import * as tables from "../../schema/tables.ts";
import type { AppEnv } from "../env.ts";

export const withDb = createMiddleware<AppEnv>(async (c, next) => {
  c.set("db", drizzle(c.env.DB, { schema: tables }));
  await next();
});
