import { lt, sql } from "drizzle-orm";
import { rate_limits } from "../../schema/tables.ts";
import { fixedWindow, type RateLimit, retryAfterSeconds } from "../domain/rate-limit.ts";
import type { Db } from "../env.ts";
import { ApiError } from "../errors.ts";

// One more request in `key`'s current window, as a single upsert so that
// concurrent requests are all counted; expired windows of every key are swept
// in the same batch, which keeps the table as small as the number of recently
// active clients. Returns the window and the count in it, this one included.
export async function countInWindow(db: Db, key: string, windowSeconds: number, now: Date) {
  const window = fixedWindow(now, windowSeconds);
  const [, counted] = await db.batch([
    db.delete(rate_limits).where(lt(rate_limits.expires_at, now.toISOString())),
    db
      .insert(rate_limits)
      .values({ key, window_start: window.start, count: 1, expires_at: window.end })
      .onConflictDoUpdate({
        target: [rate_limits.key, rate_limits.window_start],
        set: { count: sql`${rate_limits.count} + 1` },
      })
      .returning({ count: rate_limits.count }),
  ]);
  return { window, count: counted[0]?.count ?? 0 };
}

// Counts one request against `key` and refuses it with 429 beyond the limit:
// counted first, so concurrent requests cannot both slip under the limit.
export async function consumeRateLimit(db: Db, key: string, limit: RateLimit, now: Date): Promise<void> {
  const { window, count } = await countInWindow(db, key, limit.window_s, now);
  if (count <= limit.max) return;
  const retryAfter = retryAfterSeconds(window, now);
  throw new ApiError({
    status: 429,
    code: "rate-limited",
    title: "Too many requests",
    detail: `At most ${limit.max} submissions per ${limit.window_s / 60} minutes without a token; retry in ${retryAfter} s. Field staff send with their token and are not limited.`,
    headers: { "Retry-After": String(retryAfter) },
  });
}
