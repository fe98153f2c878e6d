export type RateLimit = { max: number; window_s: number };

// Anyone may report what their phone shows, but one address may not flood the
// evidence: a person walking a village sends a few readings, not hundreds.
export const PUBLIC_MEASUREMENTS: RateLimit = { max: 30, window_s: 3600 };

export type Window = { start: string; end: string };

// Fixed windows aligned to the epoch, so every request in the same window
// counts against the same row whatever instance serves it.
export function fixedWindow(now: Date, windowSeconds: number): Window {
  const size = windowSeconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString() };
}

// Whole seconds until the window ends, at least 1 (Retry-After: 0 would invite
// an immediate retry that is refused again).
export function retryAfterSeconds(window: Window, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(window.end) - now.getTime()) / 1000));
}
