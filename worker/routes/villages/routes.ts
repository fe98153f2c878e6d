import { createRoute, z } from "@hono/zod-openapi";
import { jsonContent, page, problemResponses, VillageDetailSchema, VillageListItemSchema } from "../../api/schemas.ts";
import { pageQuery, villageFilterQuery } from "../params.ts";

export const listVillages = createRoute({
  method: "get",
  path: "/villages",
  tags: ["Villages"],
  summary: "Villages with their coverage state",
  request: { query: villageFilterQuery.extend(pageQuery) },
  responses: {
    200: jsonContent(page(VillageListItemSchema, "VillagePage"), "A page of villages"),
    ...problemResponses,
  },
});

export const getVillage = createRoute({
  method: "get",
  path: "/villages/{code}",
  tags: ["Villages"],
  summary: "One village with the full explanation of its coverage",
  request: { params: z.object({ code: z.string().min(1).max(40) }) },
  responses: { 200: jsonContent(VillageDetailSchema, "The village"), ...problemResponses },
});
