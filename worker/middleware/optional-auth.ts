import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { requireRole } from "./auth.ts";

const anyToken = requireRole("operator", "admin");

// For routes the public may use too: no Authorization header is the public,
// but a header that is there must hold a valid token (401 otherwise), so a
// mistyped token never silently turns staff into an anonymous, rate-limited
// member of the public.
export const optionalActor = createMiddleware<AppEnv>(async (c, next) =>
  c.req.header("Authorization") === undefined ? next() : anyToken(c, next),
);
