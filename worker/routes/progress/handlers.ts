import type { RouteHandler } from "@hono/zod-openapi";
import { progressFor } from "../../data/progress.ts";
import { resolveUnit } from "../../data/units.ts";
import type { AppEnv } from "../../env.ts";
import type { getProgress } from "./routes.ts";

export const progressHandler: RouteHandler<typeof getProgress, AppEnv> = async (c) => {
  const { unit: code, as_of } = c.req.valid("query");
  const db = c.get("db");
  const unit = await resolveUnit(db, code, as_of);
  return c.json(await progressFor(db, unit, new Date()), 200);
};
