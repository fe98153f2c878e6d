import type { RouteHandler } from "@hono/zod-openapi";
import { childrenOf, listUnits, otherVersions, resolveUnit, successionOf, type Unit } from "../../data/units.ts";
import { normalizeName } from "../../domain/text.ts";
import type { AppEnv } from "../../env.ts";
import type { getUnit, listUnits as listUnitsRoute } from "./routes.ts";

const publicUnit = ({ id: _id, name_normalized: _n, ...rest }: Unit) => rest;

export const listUnitsHandler: RouteHandler<typeof listUnitsRoute, AppEnv> = async (c) => {
  const query = c.req.valid("query");
  const db = c.get("db");
  const parent = query.parent ? await resolveUnit(db, query.parent, query.as_of) : undefined;
  const rows = await listUnits(db, {
    parent,
    level: query.level,
    era: query.era,
    q: query.q ? normalizeName(query.q) : undefined,
  });
  return c.json({ data: rows.map(publicUnit) }, 200);
};

export const getUnitHandler: RouteHandler<typeof getUnit, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const { as_of } = c.req.valid("query");
  const db = c.get("db");
  const unit = await resolveUnit(db, code, as_of);
  const [children, succession, others] = await Promise.all([
    childrenOf(db, unit),
    successionOf(db, unit),
    otherVersions(db, unit),
  ]);
  return c.json(
    {
      ...publicUnit(unit),
      children: children.map(publicUnit),
      ...succession,
      other_versions: others.map(publicUnit),
    },
    200,
  );
};
