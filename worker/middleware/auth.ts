import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { api_tokens, type Role } from "../../schema/tables.ts";
import { addressBucket } from "../auth/failures.ts";
import { hashToken } from "../auth/tokens.ts";
import { assertNotLockedOut, failureKey, recordFailure } from "../data/auth-failures.ts";
import type { Actor, AppEnv, Db } from "../env.ts";
import { ApiError } from "../errors.ts";

const unauthenticated = (detail: string) =>
  new ApiError({
    status: 401,
    code: "unauthenticated",
    title: "Authentication required",
    detail,
    headers: { "WWW-Authenticate": 'Bearer realm="phu-song"' },
  });

export const forbidden = (detail: string) =>
  new ApiError({ status: 403, code: "forbidden", title: "Forbidden", detail });

// The token is looked up by its SHA-256, so the secret itself is never
// compared: the index probe compares digests, and its timing can at most hint
// at how a digest the client cannot steer (a preimage would be needed) relates
// to a stored one. That is why no constant-time comparison follows the lookup.
// Revoked and unknown tokens get the same answer, so a stolen but revoked
// token cannot be told apart from a guess.
async function actorFromRequest(c: Context<AppEnv>): Promise<Actor> {
  const header = c.req.header("Authorization");
  if (!header) throw unauthenticated("Send 'Authorization: Bearer <token>'. Writes need a token.");
  const db = c.get("db");
  const now = new Date();
  const bucket = addressBucket(c.req.header("CF-Connecting-IP"));
  const key = bucket === undefined ? undefined : await failureKey(bucket);
  const secret = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  const [row] = await Promise.all([
    secret === undefined ? undefined : findToken(db, secret),
    key === undefined ? undefined : assertNotLockedOut(db, key, now),
  ]);
  if (row) return { token_id: row.id, role: row.role, operator_id: row.operator_id, label: row.label };
  if (key !== undefined) await recordFailure(db, key, now);
  throw unauthenticated(
    secret === undefined
      ? "The Authorization header must be 'Bearer <token>'."
      : "The token is unknown or has been revoked.",
  );
}

async function findToken(db: Db, secret: string) {
  const [row] = await db
    .select()
    .from(api_tokens)
    .where(and(eq(api_tokens.token_hash, await hashToken(secret)), isNull(api_tokens.revoked_at)));
  return row;
}

export const requireRole = (...roles: Role[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const actor = await actorFromRequest(c);
    if (!roles.includes(actor.role)) {
      throw forbidden(`This action needs the ${roles.join(" or ")} role; your token has the ${actor.role} role.`);
    }
    c.set("actor", actor);
    await next();
  });

export function currentActor(c: { get(key: "actor"): Actor | undefined }): Actor {
  const actor = c.get("actor");
  if (!actor) throw unauthenticated("Send 'Authorization: Bearer <token>'.");
  return actor;
}

export function assertActsFor(actor: Actor, operatorId: string): void {
  if (actor.role === "admin") return;
  if (actor.operator_id !== operatorId) {
    throw forbidden(
      `Your token belongs to operator '${actor.operator_id}' and may not act for operator '${operatorId}'.`,
    );
  }
}

export function actorName(actor: Actor): string {
  return `${actor.role}:${actor.operator_id ?? "department"}:${actor.token_id}`;
}
