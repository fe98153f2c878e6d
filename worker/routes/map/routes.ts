import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { COVERAGE_LEVELS, TECHS } from "../../../schema/tables.ts";
import { jsonContent, problemResponses } from "../../api/schemas.ts";
import { MAP_EVIDENCE } from "../../data/evidence.ts";
import { villageFilterQuery } from "../params.ts";

export const MapVillagesSchema = z
  .object({
    columns: z.tuple([
      z.literal("code"),
      z.literal("lat"),
      z.literal("lon"),
      z.literal("coverage_state"),
      z.literal("best_tech"),
      z.literal("evidence"),
    ]),
    villages: z.array(
      z.tuple([
        z.string(),
        z.number(),
        z.number(),
        z.enum(COVERAGE_LEVELS),
        z.enum(TECHS).nullable(),
        z.enum(MAP_EVIDENCE),
      ]),
    ),
  })
  .openapi("MapVillages");

export const mapVillages = createRoute({
  method: "get",
  path: "/map/villages",
  tags: ["Villages"],
  summary: "Every located village that matches, in the few fields a map draws",
  description:
    "The same filters as GET /villages, without paging: one answer with every matching village that has a location, as rows of `columns`. With `bbox` alone it is read from the spatial index only, about as many rows as it returns. For drawing maps; GET /villages/{code} has the rest.",
  request: { query: villageFilterQuery },
  responses: {
    // Typed as a generic response: the handler sends the JSON text SQLite built
    // rather than a value it would have to parse and serialize again.
    200: jsonContent(MapVillagesSchema, "The villages, as rows") as RouteConfig["responses"][string],
    ...problemResponses,
  },
});
