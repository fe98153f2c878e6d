import { z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import {
  BLOCKER_KINDS,
  commitments,
  coverage,
  operators,
  stations,
  TECHS,
  units,
  village_events,
  villages,
} from "../../schema/tables.ts";

export const BlockerSchema = z
  .object({
    kind: z.enum(BLOCKER_KINDS),
    note: z.string().max(500).optional(),
  })
  .openapi("Blocker");

export const UnitSchema = createSelectSchema(units).omit({ id: true, name_normalized: true }).openapi("Unit");

export const OperatorSchema = createSelectSchema(operators).openapi("Operator");

export const VillageSchema = createSelectSchema(villages).omit({ name_normalized: true }).openapi("Village");

export const StationSchema = createSelectSchema(stations, {
  technologies: z.array(z.enum(TECHS)),
}).openapi("Station");

export const CommitmentSchema = createSelectSchema(commitments, {
  blockers: z.array(BlockerSchema),
})
  .extend({ overdue: z.boolean().openapi({ description: "Open and past its target date" }) })
  .openapi("Commitment");

export const CommitmentSummarySchema = CommitmentSchema.pick({
  operator_id: true,
  target_date: true,
  status: true,
  overdue: true,
  blockers: true,
}).openapi("CommitmentSummary");

export const VillageListItemSchema = VillageSchema.extend({
  commune_name: z.string().nullable(),
  old_commune_name: z.string().nullable(),
  old_district_name: z.string().nullable(),
  commitment: CommitmentSummarySchema.nullable(),
}).openapi("VillageListItem");

export const ClaimSchema = createSelectSchema(coverage)
  .omit({ village_code: true })
  .extend({
    station_site_code: z.string().nullable(),
    station_status: z.string().nullable(),
    age_days: z.number().int().openapi({ description: "Days since the claim was last verified" }),
  })
  .openapi("CoverageClaim");

export const VillageEventSchema = createSelectSchema(village_events).openapi("VillageEvent");

export const VillageDetailSchema = VillageListItemSchema.extend({
  explanation: z.object({
    summary: z.string(),
    claims: z.array(ClaimSchema),
    covering_stations: z.array(
      z.object({
        station_id: z.string(),
        site_code: z.string(),
        operator_id: z.string(),
        technologies: z.array(z.enum(TECHS)),
        distance_m: z.number().int(),
      }),
    ),
  }),
  commitment: CommitmentSchema.nullable(),
  history: z.array(VillageEventSchema),
}).openapi("VillageDetail");

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      total: z.number().int().openapi({ description: "Rows matching the filters, over all pages" }),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          location: z.enum(["query", "path", "body", "header", "file"]),
          problem: z.string(),
          row: z.number().int().optional(),
        }),
      )
      .optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

export const problemResponses = {
  400: {
    description: "Invalid input: `errors` names each field and its problem",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
  404: {
    description: "Not found",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
} as const;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
