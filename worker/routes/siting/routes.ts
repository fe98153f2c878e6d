import { createRoute, z } from "@hono/zod-openapi";
import { TECHS } from "../../../schema/tables.ts";
import { jsonContent, problemResponses } from "../../api/schemas.ts";
import { commonFilters } from "../params.ts";

export const MAX_SITES = 50;

export const SitingSchema = z
  .object({
    tech: z.enum(TECHS),
    range_km: z.number().openapi({ description: "The nominal range of that technology in use (GET /coverage-config)" }),
    villages_uncovered: z
      .number()
      .int()
      .openapi({ description: "Villages without signal with a location in the unit" }),
    villages_covered_by_suggestions: z.number().int(),
    suggestions: z.array(
      z.object({
        lat: z.number(),
        lon: z.number(),
        covers: z.array(z.string()).openapi({ description: "Codes of the villages without signal within range" }),
        households: z.number().int().openapi({ description: "Households of those villages" }),
      }),
    ),
  })
  .openapi("SitingSuggestions");

export const sitingSuggestions = createRoute({
  method: "get",
  path: "/siting/suggestions",
  tags: ["Coverage"],
  summary: "Where new stations would cover the most villages without signal",
  description:
    "Greedy maximum coverage over candidate sites (each village without signal, a grid around it, and midpoints of neighbouring ones): each suggestion covers the most villages not covered by the earlier ones, then the most households. Read-only: it never changes data. A starting point for operators and the department, not a radio plan: terrain is not modelled, only the nominal range.",
  request: {
    query: z.object({
      unit: commonFilters.unit,
      as_of: commonFilters.as_of,
      tech: z
        .enum(TECHS, { error: `must be one of: ${TECHS.join(", ")}` })
        .default("4g")
        .openapi({ description: "Technology of the new stations, whose nominal range is used (default 4g)" }),
      max_sites: z.coerce
        .number({ error: "must be a whole number" })
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .max(MAX_SITES, `must be at most ${MAX_SITES}`)
        .default(10)
        .openapi({ type: "integer", description: `How many sites to suggest, 1–${MAX_SITES}`, example: 10 }),
    }),
  },
  responses: { 200: jsonContent(SitingSchema, "Suggested sites, best first"), ...problemResponses },
});
