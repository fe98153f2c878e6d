import type { RouteHandler } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { api_tokens, settings } from "../../../schema/tables.ts";
import { auditInsert } from "../../data/audit.ts";
import { COVERAGE_CONFIG_KEY, type CoveragePlan, loadCoverageConfig, planFull } from "../../data/engine.ts";
import { assertOperatorExists } from "../../data/operators.ts";
import { getToken, listTokens, newToken } from "../../data/tokens.ts";
import { type CoverageConfig, DEFAULT_COVERAGE_CONFIG } from "../../domain/coverage.ts";
import type { Actor, AppEnv } from "../../env.ts";
import { actorName, currentActor } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type {
  createToken,
  getCoverageConfig,
  listTokens as listTokensRoute,
  putCoverageConfig,
  recompute,
  revokeToken,
} from "./routes.ts";

function auditOf(c: Context<AppEnv>, actor: Actor, at: string) {
  return (entry: { action: string; entity_type: string; entity_id: string; before: unknown; after: unknown }) =>
    auditInsert(c.get("db"), {
      ...entry,
      at,
      actor: actorName(actor),
      actor_role: actor.role,
      request_id: c.get("requestId"),
    });
}

export const createTokenHandler: RouteHandler<typeof createToken, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  const db = c.get("db");
  const actor = currentActor(c);
  if (input.operator_id) await assertOperatorExists(db, input.operator_id);
  const at = new Date().toISOString();
  const { row, secret, insert } = await newToken(db, {
    role: input.role,
    operator_id: input.operator_id ?? null,
    label: input.label,
    created_by: actorName(actor),
    at,
  });
  await db.batch([
    insert,
    auditOf(c, actor, at)({ action: "create", entity_type: "token", entity_id: row.id, before: null, after: row }),
    // A replay cannot show the secret again: only its hash is kept.
    ...recordIdempotent(c, 201, { ...row, token: null }),
  ]);
  return c.json({ ...row, token: secret }, 201);
};

export const listTokensHandler: RouteHandler<typeof listTokensRoute, AppEnv> = async (c) => {
  return c.json({ data: await listTokens(c.get("db")) }, 200);
};

export const revokeTokenHandler: RouteHandler<typeof revokeToken, AppEnv> = async (c) => {
  const { id } = c.req.valid("param");
  const db = c.get("db");
  const actor = currentActor(c);
  const before = await getToken(db, id);
  if (before.revoked_at !== null) return c.json(before, 200);
  const at = new Date().toISOString();
  const after = { ...before, revoked_at: at };
  await db.batch([
    db
      .update(api_tokens)
      .set({ revoked_at: at })
      .where(and(eq(api_tokens.id, id), isNull(api_tokens.revoked_at))),
    auditOf(c, actor, at)({ action: "revoke", entity_type: "token", entity_id: id, before, after }),
    ...recordIdempotent(c, 200, after),
  ]);
  return c.json(after, 200);
};

const summary = (plan: CoveragePlan) => ({
  villages_considered: plan.villages_considered,
  stations_considered: plan.stations_considered,
  changes_count: plan.changes.length,
  changes: plan.changes,
});

export const recomputeHandler: RouteHandler<typeof recompute, AppEnv> = async (c) => {
  const dryRun = c.req.valid("json").dry_run ?? false;
  const db = c.get("db");
  const actor = currentActor(c);
  const at = new Date().toISOString();
  const config = await loadCoverageConfig(db);
  const plan = await planFull(db, { config, cause: { cause: "full recompute", actor: actorName(actor), at } });
  const body = { dry_run: dryRun, ...summary(plan) };
  if (!dryRun) {
    await db.batch([
      auditOf(
        c,
        actor,
        at,
      )({
        action: "recompute",
        entity_type: "coverage",
        entity_id: "all",
        before: null,
        after: summary(plan),
      }),
      ...plan.statements,
      ...recordIdempotent(c, 200, body),
    ]);
  }
  return c.json(body, 200);
};

export const getCoverageConfigHandler: RouteHandler<typeof getCoverageConfig, AppEnv> = async (c) => {
  const [row] = await c.get("db").select().from(settings).where(eq(settings.key, COVERAGE_CONFIG_KEY));
  const config = (row?.value as CoverageConfig | undefined) ?? DEFAULT_COVERAGE_CONFIG;
  return c.json({ ...config, updated_at: row?.updated_at ?? null, updated_by: row?.updated_by ?? null }, 200);
};

export const putCoverageConfigHandler: RouteHandler<typeof putCoverageConfig, AppEnv> = async (c) => {
  const config = c.req.valid("json");
  const db = c.get("db");
  const actor = currentActor(c);
  const who = actorName(actor);
  const at = new Date().toISOString();
  const before = await loadCoverageConfig(db);
  const plan = await planFull(db, { config, cause: { cause: "coverage ranges changed", actor: who, at } });
  const body = { config, ...summary(plan) };
  await db.batch([
    db
      .insert(settings)
      .values({ key: COVERAGE_CONFIG_KEY, value: config, updated_at: at, updated_by: who })
      .onConflictDoUpdate({ target: settings.key, set: { value: config, updated_at: at, updated_by: who } }),
    auditOf(
      c,
      actor,
      at,
    )({
      action: "update",
      entity_type: "settings",
      entity_id: COVERAGE_CONFIG_KEY,
      before,
      after: config,
    }),
    ...plan.statements,
    ...recordIdempotent(c, 200, body),
  ]);
  return c.json(body, 200);
};
