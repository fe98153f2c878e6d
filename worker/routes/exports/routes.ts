import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { problemResponses } from "../../api/schemas.ts";
import { stationFilterQuery, villageFilterQuery } from "../params.ts";

// Typed as a generic response so handlers may stream a plain Response rather
// than build the whole collection as one JSON value.
type StreamedResponse = RouteConfig["responses"][string];

const geojson = (description: string): StreamedResponse => ({
  description,
  content: {
    "application/geo+json": {
      schema: z
        .object({ type: z.literal("FeatureCollection"), features: z.array(z.record(z.string(), z.unknown())) })
        .openapi({ description: "RFC 7946 FeatureCollection of Point features" }),
    },
  },
});

const csv = (description: string): StreamedResponse => ({
  description,
  content: { "text/csv": { schema: z.string().openapi({ description: "UTF-8 with BOM, CRLF, header row" }) } },
});

export const villagesGeojson = createRoute({
  method: "get",
  path: "/export/villages.geojson",
  tags: ["Exports"],
  summary: "Villages as GeoJSON (same filters as /villages, no paging)",
  request: { query: villageFilterQuery },
  responses: { 200: geojson("Villages"), ...problemResponses },
});

export const villagesCsv = createRoute({
  method: "get",
  path: "/export/villages.csv",
  tags: ["Exports"],
  summary: "Villages as CSV (same filters as /villages, no paging)",
  request: { query: villageFilterQuery },
  responses: { 200: csv("Villages"), ...problemResponses },
});

export const stationsGeojson = createRoute({
  method: "get",
  path: "/export/stations.geojson",
  tags: ["Exports"],
  summary: "Stations as GeoJSON (same filters as /stations, no paging)",
  request: { query: stationFilterQuery },
  responses: { 200: geojson("Stations"), ...problemResponses },
});

export const stationsCsv = createRoute({
  method: "get",
  path: "/export/stations.csv",
  tags: ["Exports"],
  summary: "Stations as CSV (same filters as /stations, no paging)",
  request: { query: stationFilterQuery },
  responses: { 200: csv("Stations"), ...problemResponses },
});
