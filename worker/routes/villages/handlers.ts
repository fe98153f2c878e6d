import type { RouteHandler } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import { resolveUnit } from "../../data/units.ts";
import { listVillages as listVillagesQuery, villageDetail } from "../../data/villages.ts";
import { todayIn } from "../../domain/commitments.ts";
import type { AppEnv } from "../../env.ts";
import type { getVillage, listVillages } from "./routes.ts";

export const listVillagesHandler: RouteHandler<typeof listVillages, AppEnv> = async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const result = await listVillagesQuery(
    db,
    filters,
    unit,
    { limit, after: decodeCursor(cursor) },
    todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh"),
  );
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};

export const getVillageHandler: RouteHandler<typeof getVillage, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const now = new Date();
  return c.json(
    await villageDetail(c.get("db"), code, todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh", now), now),
    200,
  );
};
