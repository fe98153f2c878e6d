import { createRoute, z } from "@hono/zod-openapi";
import { createSelectSchema } from "drizzle-zod";
import { CHALLENGE_STATUSES, measurements } from "../../../schema/tables.ts";
import { jsonContent, ProblemSchema, page, problemResponses, ReadingFieldsSchema } from "../../api/schemas.ts";
import { EVIDENCE_RADIUS_M, VILLAGE_TIE_RADIUS_M } from "../../domain/evidence.ts";
import { PUBLIC_MEASUREMENTS } from "../../domain/rate-limit.ts";
import { optionalActor } from "../../middleware/optional-auth.ts";
import { pageQuery } from "../params.ts";
import { writeProblems } from "../problems.ts";

export const MeasurementCreateSchema = ReadingFieldsSchema.strict().openapi("MeasurementCreate");

export const PublicMeasurementSchema = createSelectSchema(measurements)
  .omit({ recorded_by: true, idempotency_key: true })
  .openapi("PublicMeasurement", { description: "A measurement as anyone may see it: who sent it is not shown" });

export const MeasurementResultSchema = z
  .object({
    measurement: PublicMeasurementSchema,
    village: z
      .object({ code: z.string(), name: z.string(), distance_m: z.number().int() })
      .nullable()
      .openapi({ description: `The nearest village within ${VILLAGE_TIE_RADIUS_M} m; null when there is none` }),
    counts_as: z
      .enum(["verification", "report"])
      .nullable()
      .openapi({
        description: `verification: a reading of signal by field staff within ${EVIDENCE_RADIUS_M} m of the village point; report: "no signal" from staff or the public within ${EVIDENCE_RADIUS_M} m; null: kept, but neither`,
      }),
    challenge_opened: z
      .object({ id: z.number().int(), status: z.enum(CHALLENGE_STATUSES) })
      .nullable()
      .openapi({ description: "The challenge this report completed, if it did" }),
    detail: z.string().openapi({ description: "What the measurement did, in a sentence" }),
  })
  .openapi("MeasurementResult");

// The pattern of every Idempotency-Key in this API; here the key is required,
// because a phone that retries after a lost answer must not add a reading twice.
const idempotencyKey = z
  .string({ error: "is required: a unique string per reading (a UUID made when the reading is taken)" })
  .regex(/^[\x21-\x7e]{1,255}$/, "must be 1–255 visible ASCII characters")
  .openapi({
    description:
      "Required. Made by the device when the reading is taken; every resend of that reading carries the same key, and the server stores it once (a resend answers 200 with the first measurement and `Idempotent-Replayed: true`).",
    example: "5f0c8f0e-7a1b-4f5e-9d43-0d7c3a6c2b11",
  });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

export const createMeasurement = createRoute({
  method: "post",
  path: "/measurements",
  tags: ["Evidence"],
  summary: "Submit a signal measurement (field staff with a token, or anyone without)",
  description: `Ties the reading to the nearest village within ${VILLAGE_TIE_RADIUS_M} m (farther away it is kept without a village). With an operator or department token it is a field measurement and a reading of signal verifies the village; without a token it is a public report, limited to ${PUBLIC_MEASUREMENTS.max} per ${PUBLIC_MEASUREMENTS.window_s / 60} minutes per address. "No signal" reports from enough different people open a challenge of the claim. An operator token may only measure its own network.`,
  // Either no token (the public) or a bearer token (field staff).
  security: [{}, { bearer: [] }] as Array<Record<string, string[]>>,
  middleware: [optionalActor] as const,

  request: {
    headers: z.object({ "idempotency-key": idempotencyKey }),
    body: { required: true, content: { "application/json": { schema: MeasurementCreateSchema } } },
  },
  responses: {
    201: jsonContent(MeasurementResultSchema, "Stored"),
    200: {
      ...jsonContent(MeasurementResultSchema, "Already stored under this Idempotency-Key: the first measurement"),
      headers: z.object({ "Idempotent-Replayed": z.literal("true") }),
    },
    ...writeProblems(422),
    429: {
      ...problem("Too many public submissions from this address; `Retry-After` says when to retry"),
      headers: z.object({ "Retry-After": z.string().openapi({ description: "Seconds", example: "1800" }) }),
    },
  },
});

export const listVillageMeasurements = createRoute({
  method: "get",
  path: "/villages/{code}/measurements",
  tags: ["Evidence"],
  summary: "A village's measurements, newest first",
  request: { params: z.object({ code: z.string().min(1).max(40) }), query: z.object(pageQuery) },
  responses: {
    200: jsonContent(page(PublicMeasurementSchema, "MeasurementPage"), "A page of measurements"),
    ...problemResponses,
  },
});
