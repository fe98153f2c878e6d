import { createRoute, z } from "@hono/zod-openapi";
import { ERAS, STATION_STATUSES, TECHS, UNIT_LEVELS } from "../../../schema/tables.ts";
import { jsonContent, problemResponses } from "../../api/schemas.ts";

export const ProgressSchema = z
  .object({
    unit: z.object({
      code: z.string(),
      era: z.enum(ERAS),
      level: z.enum(UNIT_LEVELS),
      name: z.string(),
      full_name: z.string(),
      valid_from: z.string().nullable(),
      valid_to: z.string().nullable(),
    }),
    villages_total: z.number().int(),
    villages_covered: z.number().int(),
    villages_uncovered: z.number().int(),
    villages_unknown: z.number().int(),
    coverage_pct: z.number().nullable().openapi({ description: "Covered / total × 100, two decimals" }),
    villages_verified: z.number().int().openapi({
      description: "Covered villages with a recent measurement of signal on the ground (see Evidence)",
    }),
    villages_unverified: z
      .number()
      .int()
      .openapi({ description: "Covered villages on a claim alone: villages_covered − villages_verified" }),
    coverage_pct_verified: z.number().nullable().openapi({
      description:
        "The official figure: verified / total × 100, two decimals. coverage_pct − coverage_pct_verified is the share covered on claims alone",
    }),
    stations_total: z.number().int().openapi({ description: "Stations not decommissioned" }),
    stations_on_air: z.number().int(),
    stations_by_status: z.record(z.enum(STATION_STATUSES), z.number().int()),
    by_technology: z.array(
      z.object({
        tech: z.enum(TECHS),
        villages_with: z.number().int().openapi({ description: "Villages with this technology from any operator" }),
        villages_best: z.number().int().openapi({ description: "Villages whose best technology is this one" }),
      }),
    ),
    by_operator: z.array(
      z.object({
        operator_id: z.string(),
        name: z.string(),
        color: z.string().openapi({ description: "Brand colour for maps and charts" }),
        villages_covered: z.number().int(),
        stations_total: z.number().int(),
        stations_on_air: z.number().int(),
      }),
    ),
    scope: z.object({
      communes_total: z.number().int(),
      communes_with_villages: z.number().int(),
      complete: z.boolean(),
      note: z.string().nullable(),
    }),
    as_of: z.string(),
  })
  .openapi("Progress");

export const getProgress = createRoute({
  method: "get",
  path: "/progress",
  tags: ["Progress"],
  summary: "Coverage progress of a unit",
  description:
    "Villages covered / uncovered / unknown and the percentage, stations, and breakdowns by technology and operator, computed live from the records.",
  request: {
    query: z.object({
      unit: z
        .string({ error: "is required: an official unit code such as 02 (Hà Giang, before 2025) or 08 (Tuyên Quang)" })
        .regex(/^\d{2}(\d)?(\d{2})?$/, "an official unit code: 2 digits (province), 3 (district) or 5 (commune)")
        .openapi({ example: "02" }),
      as_of: z.iso.date("a date as YYYY-MM-DD").optional(),
    }),
  },
  responses: { 200: jsonContent(ProgressSchema, "Progress figures"), ...problemResponses },
});
