import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { commitments, villages } from "../../../schema/tables.ts";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import { auditInsert } from "../../data/audit.ts";
import { commitmentOf, listCommitments as listCommitmentsQuery } from "../../data/commitments.ts";
import { assertOperatorExists } from "../../data/operators.ts";
import { resolveUnit } from "../../data/units.ts";
import { expectVersion, isStaleVersion, isUniqueViolation } from "../../data/version-guard.ts";
import { commitmentRefusal, isOverdue, sameCommitment, todayIn } from "../../domain/commitments.ts";
import { isCovered } from "../../domain/coverage.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError, notFound } from "../../errors.ts";
import { actorName, currentActor, forbidden } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type { listCommitments, putCommitment } from "./routes.ts";

const etagOf = (version: number) => `"${version}"`;
const timezone = (c: Context<AppEnv>) => c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh";

const stale = (detail: string, version?: number) =>
  new ApiError({
    status: 412,
    code: "precondition-failed",
    title: "Commitment changed since it was read",
    detail,
    extra: version === undefined ? {} : { current_etag: etagOf(version) },
  });

// Weak tags (W/"3") from compressing proxies carry the same version.
function assertIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === "") {
    throw new ApiError({
      status: 428,
      code: "precondition-required",
      title: "If-Match required",
      detail: `This village already has a commitment; send If-Match with its ETag (now ${etagOf(version)}) so that no one's change is silently overwritten.`,
    });
  }
  const tags = header.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (tags.includes(etagOf(version))) return;
  throw stale(
    `If-Match ${header.trim()} does not match the commitment's current ETag ${etagOf(version)}: someone changed it since you read it. Nothing was changed; read it again and reapply your change.`,
    version,
  );
}

export const putCommitmentHandler: RouteHandler<typeof putCommitment, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const input = c.req.valid("json");
  const ifMatch = c.req.valid("header")["if-match"];
  const actor = currentActor(c);
  const db = c.get("db");

  const [[village], [current]] = await db.batch([
    db
      .select({ code: villages.code, coverage_state: villages.coverage_state, best_tech: villages.best_tech })
      .from(villages)
      .where(eq(villages.code, code)),
    db.select().from(commitments).where(eq(commitments.village_code, code)),
  ]);
  if (!village) throw notFound("village", code);
  const refusal = commitmentRefusal(actor, current, input);
  if (refusal) throw forbidden(refusal);
  await assertOperatorExists(db, input.operator_id);

  const now = new Date();
  const at = now.toISOString();
  const who = actorName(actor);
  const today = todayIn(timezone(c), now);
  const audit = { at, actor: who, actor_role: actor.role, entity_type: "commitment", entity_id: code };

  if (!current) {
    if (ifMatch !== undefined)
      throw stale(`Village ${code} has no commitment yet, so If-Match cannot match; send none to create one.`);
    if (isCovered(village.coverage_state)) {
      throw new ApiError({
        status: 422,
        code: "village-covered",
        title: "Village already covered",
        detail: `Village ${code} is already covered (${village.coverage_state}${village.best_tech ? `, best ${village.best_tech}` : ""}); commitments are for villages without signal.`,
      });
    }
    const values = {
      village_code: code,
      operator_id: input.operator_id,
      target_date: input.target_date,
      status: input.status ?? "open",
      blockers: input.blockers ?? [],
      notes: input.notes ?? null,
      version: 1,
      created_by: who,
      updated_by: who,
      created_at: at,
      updated_at: at,
    };
    let created: typeof commitments.$inferSelect | undefined;
    try {
      // The id is only known once the row exists, so the idempotency
      // middleware records this response after the batch.
      [[created]] = await db.batch([
        db.insert(commitments).values(values).returning(),
        auditInsert(db, { ...audit, action: "create", before: null, after: values, request_id: c.get("requestId") }),
      ]);
    } catch (err) {
      if (isUniqueViolation(err, "commitments.village_code")) {
        throw stale(
          `Someone created a commitment for village ${code} at the same time; read it and send If-Match to change it.`,
        );
      }
      throw err;
    }
    if (!created) throw new Error("commitment insert returned no row");
    return c.json({ ...created, overdue: isOverdue(created, today) }, 201, {
      ETag: etagOf(created.version),
      Location: `/api/v1/villages/${encodeURIComponent(code)}/commitment`,
    });
  }

  assertIfMatch(ifMatch, current.version);
  const next = {
    operator_id: input.operator_id,
    target_date: input.target_date,
    status: input.status ?? current.status,
    blockers: input.blockers ?? current.blockers,
    notes: input.notes === undefined ? current.notes : input.notes,
  };
  if (sameCommitment(current, next)) {
    return c.json({ ...current, overdue: isOverdue(current, today) }, 200, { ETag: etagOf(current.version) });
  }
  const after = { ...current, ...next, version: current.version + 1, updated_by: who, updated_at: at };
  const body = { ...after, overdue: isOverdue(after, today) };
  const { id: _id, created_at: _ca, created_by: _cb, ...columns } = after;
  try {
    await db.batch([
      expectVersion(db, commitments, current.id, current.version),
      db
        .update(commitments)
        .set(columns)
        .where(and(eq(commitments.id, current.id), eq(commitments.version, current.version))),
      auditInsert(db, { ...audit, action: "update", before: current, after, request_id: c.get("requestId") }),
      ...recordIdempotent(c, 200, body),
    ]);
  } catch (err) {
    if (isStaleVersion(err)) {
      const latest = await commitmentOf(db, code);
      throw stale(
        "The commitment changed while this request ran; nothing was changed. Read it again and reapply your change.",
        latest?.version,
      );
    }
    throw err;
  }
  return c.json(body, 200, { ETag: etagOf(after.version) });
};

export const listCommitmentsHandler: RouteHandler<typeof listCommitments, AppEnv> = async (c) => {
  const { limit, cursor, unit: unitCode, as_of, ...filters } = c.req.valid("query");
  const db = c.get("db");
  const unit = unitCode ? await resolveUnit(db, unitCode, as_of) : undefined;
  const result = await listCommitmentsQuery(
    db,
    filters,
    unit,
    { limit, after: decodeCursor(cursor) },
    todayIn(timezone(c)),
  );
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};
