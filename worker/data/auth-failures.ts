import { and, eq } from "drizzle-orm";
import { rate_limits } from "../../schema/tables.ts";
import { AUTH_FAILURES } from "../auth/failures.ts";
import { hashToken } from "../auth/tokens.ts";
import { fixedWindow, retryAfterSeconds } from "../domain/rate-limit.ts";
import type { Db } from "../env.ts";
import { ApiError } from "../errors.ts";
import { countInWindow } from "./rate-limit.ts";

// Stored as a digest, like the public measurements' counters: the table holds
// no client address.
export async function failureKey(bucket: string): Promise<string> {
  return `auth:${(await hashToken(bucket)).slice(0, 32)}`;
}

// Checked before the token is looked at, so that a client over the limit gets
// the same 429 whether its next guess is right or wrong: a limit that let a
// correct token through would not slow a guesser at all.
export async function assertNotLockedOut(db: Db, key: string, now: Date): Promise<void> {
  const window = fixedWindow(now, AUTH_FAILURES.window_s);
  const [row] = await db
    .select({ count: rate_limits.count })
    .from(rate_limits)
    .where(and(eq(rate_limits.key, key), eq(rate_limits.window_start, window.start)));
  if ((row?.count ?? 0) < AUTH_FAILURES.max) return;
  const retryAfter = retryAfterSeconds(window, now);
  throw new ApiError({
    status: 429,
    code: "too-many-failed-authentications",
    title: "Too many failed authentications",
    detail: `${AUTH_FAILURES.max} requests from your address had a malformed, unknown or revoked token within ${AUTH_FAILURES.window_s / 60} minutes; no token from it is accepted until the window ends, in ${retryAfter} s.`,
    headers: { "Retry-After": String(retryAfter) },
  });
}

// Counted like any rate limit; the next request is refused by
// assertNotLockedOut, before its token is looked at.
export async function recordFailure(db: Db, key: string, now: Date): Promise<void> {
  await countInWindow(db, key, AUTH_FAILURES.window_s, now);
}
