import { createRoute, z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { CHALLENGE_STATUSES, challenges } from "../../../schema/tables.ts";
import { jsonContent, page, problemResponses, VillageChangeSchema, VillageSchema } from "../../api/schemas.ts";
import { CHALLENGE_REPORTERS, CHALLENGE_WINDOW_DAYS, EVIDENCE_RADIUS_M } from "../../domain/evidence.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { PublicMeasurementSchema } from "../measurements/routes.ts";
import { commonFilters, pageQuery } from "../params.ts";
import { writeProblems } from "../problems.ts";

const statusParam = z
  .enum(CHALLENGE_STATUSES, { error: `must be one of: ${CHALLENGE_STATUSES.join(", ")}` })
  .optional()
  .openapi({ description: "open (awaiting the department), upheld or rejected" });

export const ChallengeSchema = createSelectSchema(challenges)
  .extend({
    village_name: VillageSchema.shape.name,
    commune_code: VillageSchema.shape.commune_code,
    commune_name: z.string().nullable(),
    coverage_state: VillageSchema.shape.coverage_state,
    reporters: z.number().int().openapi({ description: "Different reporters among the evidence" }),
    evidence: z.array(PublicMeasurementSchema).openapi({
      description:
        "The no-signal reports for this operator and technology within the evidence window (measured from `evidence_from`; for a resolved challenge, those received before the ruling)",
    }),
  })
  .openapi("Challenge");

const CHALLENGE_RULE = `A challenge opens when ${CHALLENGE_REPORTERS} different reporters (field staff or the public) report no signal for one operator and technology within ${EVIDENCE_RADIUS_M} m of a village within ${CHALLENGE_WINDOW_DAYS} days, while that operator's claim for that technology says the village is covered.`;

export const listChallenges = createRoute({
  method: "get",
  path: "/challenges",
  tags: ["Evidence"],
  summary: "Claims of coverage under review, with their evidence (department and operators)",
  description: `${CHALLENGE_RULE} The department sees all; an operator sees the challenges of its own claims (operator defaults to its own, another one is 403). Newest first.`,
  security: [{ bearer: [] }],
  middleware: [requireRole("operator", "admin")] as const,
  request: {
    query: z
      .object({
        status: statusParam,
        operator: commonFilters.operator,
        unit: commonFilters.unit,
        as_of: commonFilters.as_of,
      })
      .extend(pageQuery),
  },
  responses: {
    200: jsonContent(page(ChallengeSchema, "ChallengePage"), "A page of challenges"),
    ...writeProblems(404),
  },
});

export const challengeSummary = createRoute({
  method: "get",
  path: "/challenges/summary",
  tags: ["Evidence"],
  summary: "How many claims are under review and how they were decided (public)",
  description: `${CHALLENGE_RULE} Counts only; the evidence is for the department and the operator concerned.`,
  request: { query: z.object({ unit: commonFilters.unit, as_of: commonFilters.as_of }) },
  responses: {
    200: jsonContent(
      z
        .object({
          open: z.number().int(),
          upheld: z.number().int(),
          rejected: z.number().int(),
          by_operator: z.array(
            z.object({
              operator_id: z.string(),
              open: z.number().int(),
              upheld: z.number().int(),
              rejected: z.number().int(),
            }),
          ),
        })
        .openapi("ChallengeSummary"),
      "Counts by status, in total and per operator",
    ),
    ...problemResponses,
  },
});

export const ResolutionSchema = z
  .object({
    decision: z.enum(["upheld", "rejected"], { error: "must be upheld or rejected" }).openapi({
      description:
        "upheld: the reports are right; the operator's claim for this technology becomes a survey claim of no signal, and the village is recomputed. rejected: the claim stands.",
    }),
    note: z
      .string({ error: "is required: say why, for the record" })
      .trim()
      .min(1, "must not be empty")
      .max(2000, "must be at most 2000 characters"),
  })
  .strict()
  .openapi("ChallengeResolution");

export const resolveChallenge = createRoute({
  method: "post",
  path: "/challenges/{id}/resolve",
  tags: ["Evidence"],
  summary: "Decide a challenge (department)",
  description:
    "Upheld turns the claim into a survey claim of no signal for that village, operator and technology, so the village is uncovered again unless another operator or technology covers it; rejected leaves the claim. The ruling, the claim, the village's state and history and the audit entry are written together. A decided challenge cannot be decided again (409).",
  security: [{ bearer: [] }],
  middleware: [requireRole("admin"), idempotency] as const,
  request: {
    params: z.object({
      id: z.coerce
        .number({ error: "must be a challenge id" })
        .int("must be a challenge id")
        .positive("must be a challenge id")
        .openapi({ type: "integer" }),
    }),
    headers: z.object({ "idempotency-key": idempotencyHeader }),
    body: { required: true, content: { "application/json": { schema: ResolutionSchema } } },
  },
  responses: {
    200: jsonContent(
      ChallengeSchema.extend({ coverage_changes: z.array(VillageChangeSchema) }).openapi("ChallengeResolved"),
      "The decided challenge and the villages whose coverage changed",
    ),
    ...writeProblems(404, 409, 412),
  },
});
