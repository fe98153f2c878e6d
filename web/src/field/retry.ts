// How the field page treats each answer to a send: stored (200 or 201: the
// server has it, perhaps from an earlier send of the same key), worth another
// try later (no answer at all, 429, or a server or storage failure), or
// refused for good (the reading itself is wrong, or the token is).
export type Verdict = { kind: "stored" } | { kind: "retry"; after_ms: number | null } | { kind: "refused" };

export function verdictOf(status: number, retryAfter: string | null): Verdict {
  if (status === 200 || status === 201) return { kind: "stored" };
  if (status === 429 || status === 503 || status >= 500) {
    const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
    return { kind: "retry", after_ms: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null };
  }
  return { kind: "refused" };
}

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

// Exponential backoff with jitter: 2 s, 4 s, 8 s… up to 5 minutes, each
// scaled by a random factor in [0.5, 1) so that phones coming back online
// together do not retry in step.
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}
