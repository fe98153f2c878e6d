import { createRoute, z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { progress_snapshots } from "../../../schema/tables.ts";
import { jsonContent, problemResponses, UnitSchema } from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { commonFilters } from "../params.ts";
import { writeProblems } from "../problems.ts";

export const HistoryPointSchema = createSelectSchema(progress_snapshots)
  .omit({ unit_code: true, unit_era: true, created_at: true })
  .openapi("HistoryPoint");

export const HistorySchema = z
  .object({
    unit: UnitSchema.pick({ code: true, era: true, level: true, name: true, full_name: true }),
    points: z.array(HistoryPointSchema).openapi({ description: "One point per snapshot date, oldest first" }),
  })
  .openapi("ProgressHistory");

const date = z.iso.date("a date as YYYY-MM-DD").optional();

export const getHistory = createRoute({
  method: "get",
  path: "/progress/history",
  tags: ["Progress"],
  summary: "Daily progress snapshots of a unit, for the chart",
  description:
    "The figures recorded by the daily snapshot (midnight, Vietnam time; dated the day that ended) for one unit, oldest first. Only real snapshots appear: days before the tracker ran have none.",
  request: {
    query: z
      .object({
        unit: z
          .string({
            error: "is required: an official unit code such as 02 (Hà Giang, before 2025) or 08 (Tuyên Quang)",
          })
          .regex(/^\d{2}(\d)?(\d{2})?$/, "an official unit code: 2 digits (province), 3 (district) or 5 (commune)")
          .openapi({ example: "02" }),
        as_of: commonFilters.as_of,
        from: date.openapi({ description: "First date, inclusive" }),
        to: date.openapi({ description: "Last date, inclusive" }),
      })
      .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "must not be after to", path: ["from"] }),
  },
  responses: { 200: jsonContent(HistorySchema, "The unit's snapshots"), ...problemResponses },
});

export const SnapshotResultSchema = z
  .object({
    date: z.string().openapi({ example: "2025-03-31" }),
    units: z.number().int().openapi({ description: "Units with villages, one snapshot row each" }),
  })
  .openapi("SnapshotResult");

export const takeSnapshot = createRoute({
  method: "post",
  path: "/admin/snapshot",
  tags: ["Admin"],
  summary: "Take today's progress snapshot now (department)",
  description:
    "What the daily cron does, on demand: records every unit's figures under today's date (Vietnam time), replacing a snapshot already taken today.",
  security: [{ bearer: [] }],
  middleware: [requireRole("admin"), idempotency] as const,
  request: { headers: z.object({ "idempotency-key": idempotencyHeader }) },
  responses: { 200: jsonContent(SnapshotResultSchema, "The snapshot was stored"), ...writeProblems() },
});
