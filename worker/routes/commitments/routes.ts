import { createRoute, z } from "@hono/zod-openapi";
import { createInsertSchema } from "drizzle-zod";
import { COMMITMENT_STATUSES, commitments } from "../../../schema/tables.ts";
import {
  BlockerSchema,
  CommitmentSchema,
  jsonContent,
  page,
  problemResponses,
  VillageSchema,
} from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { commonFilters, pageQuery } from "../params.ts";
import { writeProblems } from "../problems.ts";

export const CommitmentPutSchema = createInsertSchema(commitments, {
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
  target_date: () => z.iso.date("must be a date as YYYY-MM-DD"),
  blockers: () => z.array(BlockerSchema).max(20, "at most 20 blockers"),
  notes: (s) => s.max(2000, "must be at most 2000 characters"),
})
  .pick({ operator_id: true, target_date: true, status: true, blockers: true, notes: true })
  .strict()
  .openapi("CommitmentPut", {
    description:
      "The commitment of a village. Omitted `status`, `blockers` and `notes` keep their stored values (a new commitment starts open, without blockers or notes).",
  });

export const CommitmentListItemSchema = CommitmentSchema.extend({
  village_name: VillageSchema.shape.name,
  coverage_state: VillageSchema.shape.coverage_state,
  commune_code: VillageSchema.shape.commune_code,
  commune_name: z.string().nullable(),
  old_commune_code: VillageSchema.shape.old_commune_code,
  old_commune_name: z.string().nullable(),
}).openapi("CommitmentListItem");

const etagHeader = z.object({ ETag: z.string().openapi({ example: '"2"' }) });

export const putCommitment = createRoute({
  method: "put",
  path: "/villages/{code}/commitment",
  tags: ["Commitments"],
  summary: "Assign a village to an operator with a target date, or update that commitment",
  description:
    "The department creates, reassigns and cancels commitments; only a village that is not covered may receive a new one (422 otherwise). An operator may update the commitment assigned to it (target date, blockers, notes, open or done) but not reassign or cancel it (403). Changing an existing commitment needs `If-Match` with its ETag (428 without, 412 when stale); creating one needs none.",
  security: [{ bearer: [] }],
  middleware: [requireRole("operator", "admin"), idempotency] as const,
  request: {
    params: z.object({ code: z.string().min(1).max(40) }),
    headers: z.object({
      "if-match": z
        .string()
        .optional()
        .openapi({ description: "The commitment's ETag; required to change an existing one", example: '"1"' }),
      "idempotency-key": idempotencyHeader,
    }),
    body: { required: true, content: { "application/json": { schema: CommitmentPutSchema } } },
  },
  responses: {
    200: { ...jsonContent(CommitmentSchema, "The updated (or unchanged) commitment"), headers: etagHeader },
    201: { ...jsonContent(CommitmentSchema, "The new commitment"), headers: etagHeader },
    ...writeProblems(404, 412, 422, 428),
  },
});

export const listCommitments = createRoute({
  method: "get",
  path: "/commitments",
  tags: ["Commitments"],
  summary: "Who will cover which village by when",
  description:
    "Commitments in target-date order with the village, its commune and its coverage state. `overdue` is true for an open commitment past its target date (Vietnam's calendar).",
  request: {
    query: z
      .object({
        unit: commonFilters.unit,
        as_of: commonFilters.as_of,
        operator: commonFilters.operator,
        status: z.enum(COMMITMENT_STATUSES, { error: `must be one of: ${COMMITMENT_STATUSES.join(", ")}` }).optional(),
        overdue: z
          .enum(["true", "false"], { error: "must be true or false" })
          .optional()
          .transform((v) => (v === undefined ? undefined : v === "true"))
          .openapi({ type: "string", enum: ["true", "false"], description: "Only overdue, or only not overdue" }),
      })
      .extend(pageQuery),
  },
  responses: {
    200: jsonContent(page(CommitmentListItemSchema, "CommitmentPage"), "A page of commitments"),
    ...problemResponses,
  },
});
