import { createRoute, z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { coverage, measurements } from "../../../schema/tables.ts";
import { jsonContent, ReadingFieldsSchema, VillageChangeSchema, VillageSchema } from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { writeProblems } from "../problems.ts";

export const SurveyCreateSchema = ReadingFieldsSchema.partial({ lat: true, lon: true })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), {
    message: "lat and lon go together: give both or neither (neither: the village's location)",
    path: ["lon"],
  })
  .openapi("SurveyCreate");

export const MeasurementSchema = createSelectSchema(measurements).openapi("Measurement");

export const SurveyResultSchema = z
  .object({
    measurement: MeasurementSchema,
    village: VillageSchema.pick({ code: true, coverage_state: true, best_tech: true, coverage_changed_at: true }),
    claims: z.array(createSelectSchema(coverage)).openapi({
      description:
        "The village's claims for the surveyed operator and technology; `effective` marks the one that counts",
    }),
    coverage_changes: z.array(VillageChangeSchema),
  })
  .openapi("SurveyResult");

export const createSurvey = createRoute({
  method: "post",
  path: "/villages/{code}/surveys",
  tags: ["Villages"],
  summary: "Record a field survey of a village (department)",
  description:
    "Stores the measurement and makes it the village's survey claim for that operator and technology (unless a later survey is already stored). A survey claim overrides the computed one; the village's state, its history and the progress figures change in the same transaction. Position defaults to the village's location.",
  security: [{ bearer: [] }],
  middleware: [requireRole("admin"), idempotency] as const,
  request: {
    params: z.object({ code: z.string().min(1).max(40) }),
    headers: z.object({ "idempotency-key": idempotencyHeader }),
    body: { required: true, content: { "application/json": { schema: SurveyCreateSchema } } },
  },
  responses: {
    201: jsonContent(SurveyResultSchema, "The stored survey and the village's coverage after it"),
    ...writeProblems(404, 422),
  },
});
