import { createRoute, z } from "@hono/zod-openapi";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import { coverage, measurements } from "../../../schema/tables.ts";
import { jsonContent, VillageChangeSchema, VillageSchema } from "../../api/schemas.ts";
import { latitude, longitude } from "../../domain/imports.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { writeProblems } from "../problems.ts";

// A clock a little ahead of ours is not a measurement from the future.
const CLOCK_SKEW_MS = 5 * 60_000;

export const SurveyCreateSchema = createInsertSchema(measurements, {
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
  measured_at: () =>
    z.iso
      .datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2025-03-14T09:30:00+07:00" })
      .refine((v) => Date.parse(v) <= Date.now() + CLOCK_SKEW_MS, "must not be in the future"),
  signal_dbm: (s) => s.min(-150, "must be between -150 and -20 dBm").max(-20, "must be between -150 and -20 dBm"),
  device_note: (s) => s.max(500, "must be at most 500 characters"),
  lat: () => latitude,
  lon: () => longitude,
})
  .pick({
    operator_id: true,
    tech: true,
    level: true,
    measured_at: true,
    signal_dbm: true,
    device_note: true,
    lat: true,
    lon: true,
  })
  .partial({ lat: true, lon: true })
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
