import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, page, problemResponses, StationSchema } from "../../api/schemas.ts";
import { pageQuery, stationFilterQuery } from "../params.ts";

export const listStations = createRoute({
  method: "get",
  path: "/stations",
  tags: ["Stations"],
  summary: "Base stations (BTS)",
  request: { query: stationFilterQuery.extend(pageQuery) },
  responses: { 200: jsonContent(page(StationSchema, "StationPage"), "A page of stations"), ...problemResponses },
});

export const getStation = createRoute({
  method: "get",
  path: "/stations/{id}",
  tags: ["Stations"],
  summary: "One station; its ETag is the version to send back in If-Match",
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: {
    200: {
      ...jsonContent(StationSchema, "The station"),
      headers: z.object({ ETag: z.string().openapi({ example: '"3"' }) }),
    },
    ...problemResponses,
  },
});
