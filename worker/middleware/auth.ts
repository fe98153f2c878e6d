import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { api_tokens, type Role } from "../../schema/tables.ts";
import { hashToken } from "../auth/tokens.ts";
import type { Actor, AppEnv } from "../env.ts";
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

// The token is looked up by its SHA-256: the database never sees the secret,
// and the comparison is an index probe on a digest rather than a string
// compare on the secret, so timing reveals nothing about it.
export async function actorFromRequest(db: AppEnv["Variables"]["db"], header: string | undefined): Promise<Actor> {
  if (!header) throw unauthenticated("Send 'Authorization: Bearer <token>'. Writes need a token.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("The Authorization header must be 'Bearer <token>'.");
  const hash = await hashToken(match[1]);
  const [row] = await db
    .select()
    .from(api_tokens)
    .where(and(eq(api_tokens.token_hash, hash), isNull(api_tokens.revoked_at)));
  if (!row) throw unauthenticated("The token is unknown or has been revoked.");
  return { token_id: row.id, role: row.role, operator_id: row.operator_id, label: row.label };
}

export const requireRole = (...roles: Role[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const actor = await actorFromRequest(c.get("db"), c.req.header("Authorization"));
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
