import type { RouteHandler } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import { getStation as getStationQuery, listStations as listStationsQuery } from "../../data/stations.ts";
import { resolveUnit } from "../../data/units.ts";
import type { AppEnv } from "../../env.ts";
import type { getStation, listStations } from "./routes.ts";

export const etagOf = (version: number) => `"${version}"`;

export const listStationsHandler: RouteHandler<typeof listStations, AppEnv> = async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const result = await listStationsQuery(db, filters, unit, { limit, after: decodeCursor(cursor) });
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};

export const getStationHandler: RouteHandler<typeof getStation, AppEnv> = async (c) => {
  const station = await getStationQuery(c.get("db"), c.req.valid("param").id);
  return c.json(station, 200, { ETag: etagOf(station.version) });
};
