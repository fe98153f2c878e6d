import { createRoute, z } from "@hono/zod-openapi";
import { ERAS, UNIT_LEVELS } from "../../../schema/tables.ts";
import { jsonContent, problemResponses, UnitSchema } from "../../api/schemas.ts";
import { searchText } from "../params.ts";

const code = z.string().regex(/^\d{2,5}$/, "an official unit code of 2, 3 or 5 digits");

const LinkedUnitSchema = z.object({
  code: z.string(),
  era: z.enum(ERAS),
  name: z.string().nullable(),
  merge_type: z.enum(["full", "partial"]),
  effective_date: z.string(),
});

export const UnitDetailSchema = UnitSchema.extend({
  children: z.array(UnitSchema),
  predecessors: z.array(LinkedUnitSchema),
  successors: z.array(LinkedUnitSchema),
  other_versions: z.array(UnitSchema).openapi({ description: "Units of the other era that carry the same code" }),
}).openapi("UnitDetail");

export const listUnits = createRoute({
  method: "get",
  path: "/units",
  tags: ["Units"],
  summary: "Administrative units",
  description: "Without filters, the provinces. `parent` lists a unit's children.",
  request: {
    query: z.object({
      parent: code.optional(),
      level: z.enum(UNIT_LEVELS, { error: `must be one of: ${UNIT_LEVELS.join(", ")}` }).optional(),
      era: z.enum(ERAS, { error: `must be one of: ${ERAS.join(", ")}` }).optional(),
      q: searchText,
      as_of: z.iso.date("a date as YYYY-MM-DD").optional(),
    }),
  },
  responses: { 200: jsonContent(z.object({ data: z.array(UnitSchema) }), "Units"), ...problemResponses },
});

export const getUnit = createRoute({
  method: "get",
  path: "/units/{code}",
  tags: ["Units"],
  summary: "One unit with its children and its place in the 2025 reform",
  request: {
    params: z.object({ code }),
    query: z.object({ as_of: z.iso.date("a date as YYYY-MM-DD").optional() }),
  },
  responses: { 200: jsonContent(UnitDetailSchema, "The unit"), ...problemResponses },
});
