import type { RouteHandler } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import {
  type Challenge,
  challengeById,
  challengeRow,
  challengeSummary as challengeSummaryQuery,
  listChallenges as listChallengesQuery,
  planResolution,
} from "../../data/challenges.ts";
import { resolveUnit } from "../../data/units.ts";
import { isStaleVersion } from "../../data/version-guard.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError, notFound } from "../../errors.ts";
import { actorName, assertActsFor, currentActor } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type { challengeSummary, listChallenges, resolveChallenge } from "./routes.ts";

export const listChallengesHandler: RouteHandler<typeof listChallenges, AppEnv> = async (c) => {
  const { status, operator, unit: code, as_of, limit, cursor } = c.req.valid("query");
  const actor = currentActor(c);
  const db = c.get("db");
  // An operator reads the challenges of its own claims: asking for no
  // operator means its own, asking for another is refused.
  const scope = operator ?? (actor.role === "operator" ? (actor.operator_id ?? undefined) : undefined);
  if (scope !== undefined) assertActsFor(actor, scope);
  const unit = code ? await resolveUnit(db, code, as_of) : undefined;
  const result = await listChallengesQuery(db, { status, operator: scope }, unit, {
    limit,
    after: decodeCursor(cursor),
  });
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};

export const challengeSummaryHandler: RouteHandler<typeof challengeSummary, AppEnv> = async (c) => {
  const { unit: code, as_of } = c.req.valid("query");
  const db = c.get("db");
  const unit = code ? await resolveUnit(db, code, as_of) : undefined;
  return c.json(await challengeSummaryQuery(db, unit), 200);
};

const decided = (challenge: Challenge) =>
  new ApiError({
    status: 409,
    code: "challenge-decided",
    title: "Challenge already decided",
    detail: `Challenge ${challenge.id} was ${challenge.status} on ${challenge.resolved_at} by ${challenge.resolved_by}; a decision is final. New reports open a new challenge.`,
    extra: { status: challenge.status, resolved_at: challenge.resolved_at },
  });

export const resolveChallengeHandler: RouteHandler<typeof resolveChallenge, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const resolution = c.req.valid("json");
  const actor = currentActor(c);
  const db = c.get("db");
  const challenge = await challengeRow(db, id);
  if (!challenge) throw notFound("challenge", String(id));
  if (challenge.status !== "open") throw decided(challenge);

  const plan = await planResolution(db, {
    challenge,
    resolution,
    audit: {
      at: new Date().toISOString(),
      actor: actorName(actor),
      actor_role: actor.role,
      request_id: c.get("requestId"),
    },
  });
  const shown = await challengeById(db, id);
  if (!shown) throw notFound("challenge", String(id));
  const body = { ...shown, ...plan.after, coverage_changes: plan.changes };
  try {
    await db.batch([...plan.statements, ...recordIdempotent(c, 200, body)] as [
      (typeof plan.statements)[number],
      ...typeof plan.statements,
    ]);
  } catch (error) {
    // Someone decided it between our read and our write.
    if (!isStaleVersion(error)) throw error;
    const now = await challengeRow(db, id);
    if (now && now.status !== "open") throw decided(now);
    throw error;
  }
  return c.json(body, 200);
};
