import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { villages } from "../../../schema/tables.ts";
import { assertOperatorExists } from "../../data/operators.ts";
import { planSurvey, surveyOutcome } from "../../data/surveys.ts";
import type { AppEnv } from "../../env.ts";
import { invalidInput, notFound } from "../../errors.ts";
import { actorName, currentActor } from "../../middleware/auth.ts";
import type { createSurvey } from "./routes.ts";

export const createSurveyHandler: RouteHandler<typeof createSurvey, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const survey = c.req.valid("json");
  const actor = currentActor(c);
  const db = c.get("db");
  const [village] = await db
    .select({ code: villages.code, lat: villages.lat, lon: villages.lon })
    .from(villages)
    .where(eq(villages.code, code));
  if (!village) throw notFound("village", code);
  await assertOperatorExists(db, survey.operator_id);

  let position: { lat: number; lon: number };
  if (survey.lat !== undefined && survey.lon !== undefined) position = { lat: survey.lat, lon: survey.lon };
  else if (village.lat !== null && village.lon !== null) position = { lat: village.lat, lon: village.lon };
  else {
    throw invalidInput([
      { field: "lat", location: "body", problem: `is required: village ${code} has no location to default to` },
    ]);
  }

  // The measurement's id is assigned by the batch, so the idempotency
  // middleware records this response after it.
  const plan = await planSurvey(db, {
    village,
    survey,
    position,
    audit: {
      at: new Date().toISOString(),
      actor: actorName(actor),
      actor_role: actor.role,
      request_id: c.get("requestId"),
    },
  });
  await db.batch(plan.statements);
  const outcome = await surveyOutcome(db, plan.key, village, survey);
  return c.json({ ...outcome, coverage_changes: plan.changes }, 201);
};
