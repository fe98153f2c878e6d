import type { RouteHandler } from "@hono/zod-openapi";
import { auditInsert } from "../../data/audit.ts";
import { progressHistory, snapshotRows, upsertSnapshots } from "../../data/snapshots.ts";
import { resolveUnit } from "../../data/units.ts";
import { snapshotDay } from "../../domain/snapshots.ts";
import type { AppEnv } from "../../env.ts";
import { actorName, currentActor } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type { getHistory, takeSnapshot } from "./routes.ts";

export const historyHandler: RouteHandler<typeof getHistory, AppEnv> = async (c) => {
  const { unit: code, as_of, from, to } = c.req.valid("query");
  const db = c.get("db");
  const unit = await resolveUnit(db, code, as_of);
  const points = await progressHistory(db, unit, { from, to });
  const { code: unitCode, era, level, name, full_name } = unit;
  return c.json({ unit: { code: unitCode, era, level, name, full_name }, points }, 200);
};

export const snapshotHandler: RouteHandler<typeof takeSnapshot, AppEnv> = async (c) => {
  const actor = currentActor(c);
  const db = c.get("db");
  const now = new Date();
  const at = now.toISOString();
  const date = snapshotDay(now, c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh");
  const rows = await snapshotRows(db, date, at);
  const body = { date, units: rows.length };
  await db.batch([
    auditInsert(db, {
      at,
      actor: actorName(actor),
      actor_role: actor.role,
      action: "snapshot",
      entity_type: "progress_snapshot",
      entity_id: date,
      before: null,
      after: body,
      request_id: c.get("requestId"),
    }),
    ...upsertSnapshots(db, rows),
    ...recordIdempotent(c, 200, body),
  ]);
  return c.json(body, 200);
};
