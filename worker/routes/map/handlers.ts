import type { RouteHandler } from "@hono/zod-openapi";
import { resolveUnit } from "../../data/units.ts";
import { mapRows } from "../../data/villages-map.ts";
import type { AppEnv } from "../../env.ts";
import type { mapVillages } from "./routes.ts";

const COLUMNS = ["code", "lat", "lon", "coverage_state", "best_tech", "evidence"];

// SQLite builds the rows' JSON; the answer only strings the parts together.
export const mapVillagesHandler: RouteHandler<typeof mapVillages, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const parts = await mapRows(db, filters, unit);
  return c.body(`{"columns":${JSON.stringify(COLUMNS)},"villages":[${parts.join(",")}]}`, 200, {
    "Content-Type": "application/json; charset=UTF-8",
  });
};
