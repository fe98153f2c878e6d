import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { idempotency_keys } from "../../schema/tables.ts";
import type { AppEnv, Db } from "../env.ts";
import { ApiError, invalidInput } from "../errors.ts";
import { actorName, currentActor } from "./auth.ts";

type Pending = {
  actor: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  recorded: boolean;
};

declare module "hono" {
  interface ContextVariableMap {
    idempotency?: Pending;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

// For the OpenAPI document of every write route.
export const idempotencyHeader = z.string().optional().openapi({
  description:
    "Any unique string (a UUID is best), up to 255 visible ASCII characters. A retry with the same key and body returns the first response with `Idempotent-Replayed: true` and changes nothing; the same key with another route or body is refused with 422.",
  example: "5f0c8f0e-7a1b-4f5e-9d43-0d7c3a6c2b11",
});

type Stored = typeof idempotency_keys.$inferSelect;

async function lookup(db: Db, actor: string, key: string): Promise<Stored | undefined> {
  const [row] = await db
    .select()
    .from(idempotency_keys)
    .where(and(eq(idempotency_keys.actor, actor), eq(idempotency_keys.key, key)));
  return row;
}

export const idempotencyKeyReused = (detail: string) =>
  new ApiError({
    status: 422,
    code: "idempotency-key-reused",
    title: "Idempotency key already used",
    detail,
    errors: [{ field: "Idempotency-Key", location: "header", problem: "is already used for another request" }],
  });

function replay(stored: Stored, request: Pending): Response {
  const { method, path } = request;
  if (stored.method !== method || stored.path !== path) {
    throw idempotencyKeyReused(
      `This Idempotency-Key was first used for ${stored.method} ${stored.path}; a key names one request. Send a new key for ${method} ${path}.`,
    );
  }
  if (stored.request_hash !== null && stored.request_hash !== request.request_hash) {
    throw idempotencyKeyReused(
      `This Idempotency-Key was first used for ${method} ${path} with a different body; a key names one request. Send a new key for this one, or the first body to retry it.`,
    );
  }
  const headers = new Headers({ "Content-Type": "application/json; charset=UTF-8", "Idempotent-Replayed": "true" });
  // Only status and body are stored; every versioned resource's ETag is its
  // version, so the replay can still carry the ETag the client needs next.
  const version = (JSON.parse(stored.body) as { version?: unknown }).version;
  if (Number.isInteger(version)) headers.set("ETag", `"${version}"`);
  return new Response(stored.body, { status: stored.status, headers });
}

// Runs after authentication (keys belong to an actor) and before validation, so
// a retry is answered from the store even if the first request's effects would
// make it invalid now. Only successes are stored: a refused request changed
// nothing, so repeating it is already safe.
export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return next();
  if (!KEY_PATTERN.test(key)) {
    throw invalidInput([
      { field: "Idempotency-Key", location: "header", problem: "must be 1–255 visible ASCII characters" },
    ]);
  }
  const db = c.get("db");
  const pending: Pending = {
    actor: actorName(currentActor(c)),
    key,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    request_hash: await bodyHash(c),
    recorded: false,
  };
  const stored = await lookup(db, pending.actor, key);
  if (stored) return replay(stored, pending);

  c.set("idempotency", pending);
  await next();

  if (c.res.status >= 200 && c.res.status < 300) {
    if (!pending.recorded) {
      await db
        .insert(idempotency_keys)
        .values({ ...keyColumns(pending), status: c.res.status, body: await c.res.clone().text() })
        .onConflictDoNothing();
    }
    return;
  }
  // A twin request with the same key may have committed first; its batch
  // made ours fail (on the key, or on the version it had already moved).
  const twin = await lookup(db, pending.actor, key);
  if (twin) c.res = replay(twin, pending);
});

function keyColumns(p: Pending) {
  return { actor: p.actor, key: p.key, method: p.method, path: p.path, request_hash: p.request_hash };
}

// Hono keeps the body it read, so the route's own validation reads it again
// from memory.
async function bodyHash(c: Context<AppEnv>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await c.req.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The insert that stores this request's response, for the handler to put in
// the same db.batch() as its change: the change and the record of it land
// together, so no crash between them can let a retry apply the change twice.
// Empty when the request carries no key.
export function recordIdempotent(c: Context<AppEnv>, status: number, body: unknown) {
  const pending = c.get("idempotency");
  if (!pending) return [];
  pending.recorded = true;
  return [
    c
      .get("db")
      .insert(idempotency_keys)
      .values({ ...keyColumns(pending), status, body: JSON.stringify(body) }),
  ];
}
