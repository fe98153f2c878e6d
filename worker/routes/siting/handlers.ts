import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, isNotNull } from "drizzle-orm";
import { villages } from "../../../schema/tables.ts";
import { loadCoverageConfig } from "../../data/engine.ts";
import { unitCondition } from "../../data/filters.ts";
import { resolveUnit } from "../../data/units.ts";
import { type SitingTarget, suggestSites } from "../../domain/siting.ts";
import type { AppEnv } from "../../env.ts";
import type { sitingSuggestions } from "./routes.ts";

export const sitingSuggestionsHandler: RouteHandler<typeof sitingSuggestions, AppEnv> = async (c) => {
  const { unit: code, as_of, tech, max_sites } = c.req.valid("query");
  const db = c.get("db");
  const unit = code ? await resolveUnit(db, code, as_of) : undefined;
  const [config, rows] = await Promise.all([
    loadCoverageConfig(db),
    db
      .select({ code: villages.code, lat: villages.lat, lon: villages.lon, households: villages.households })
      .from(villages)
      .where(
        and(
          eq(villages.coverage_state, "none"),
          isNotNull(villages.lat),
          isNotNull(villages.lon),
          unit ? unitCondition(villages, unit) : undefined,
        ),
      ),
  ]);
  const targets = rows as SitingTarget[];
  const suggestions = suggestSites(targets, { tech, config, maxSites: max_sites });
  return c.json(
    {
      tech,
      range_km: config.ranges_km[tech],
      villages_uncovered: targets.length,
      villages_covered_by_suggestions: suggestions.reduce((n, s) => n + s.covers.length, 0),
      suggestions,
    },
    200,
  );
};
