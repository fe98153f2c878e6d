import { createMiddleware } from "hono/factory";
import { data_version } from "../../schema/tables.ts";
import type { AppEnv } from "../env.ts";

// Public reads, answered from memory or with 304 Not Modified while nothing
// has been written since they were computed. Every write to the tables they
// show gives data_version a new value in the same statement (migration
// 0009_data_version_triggers), and this checks it first, so the next read
// after a write always sees the write. Answers also carry the minute they
// were computed: dates and ages in them (as_of, age_days, overdue, evidence)
// are at most a minute behind the clock.
//
// Only anonymous GETs of these paths are cached; a station's own ETag is its
// version for If-Match, so GET /stations/{id} is left alone.
const CACHEABLE = /^\/api\/v1\/(progress|units(\/[^/]+)?|villages(\/[^/]+)?|stations|map\/villages|export\/[^/]+)$/;

// Per isolate, least recently used first out: a Worker has 128 MB.
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;
const MAX_BYTES = 32 * 1024 * 1024;

type Entry = { etag: string; status: number; headers: Array<[string, string]>; body: ArrayBuffer };
const entries = new Map<string, Entry>();
let bytes = 0;

function remember(key: string, entry: Entry): void {
  const old = entries.get(key);
  if (old) {
    entries.delete(key);
    bytes -= old.body.byteLength;
  }
  entries.set(key, entry);
  bytes += entry.body.byteLength;
  for (const [k, e] of entries) {
    if (bytes <= MAX_BYTES) break;
    entries.delete(k);
    bytes -= e.body.byteLength;
  }
}

// Reads the copy of an answer while the original streams to the client; an
// export larger than an entry may be is not kept.
async function keep(key: string, etag: string, res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ENTRY_BYTES) {
      await reader.cancel();
      return;
    }
    parts.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    body.set(p, at);
    at += p.byteLength;
  }
  // The request id belongs to the request that computed it.
  const headers = [...res.headers].filter(([name]) => name.toLowerCase() !== "x-request-id");
  remember(key, { etag, status: res.status, headers, body: body.buffer });
}

const matches = (header: string | undefined, etag: string) =>
  header?.split(",").some((t) => t.trim() === etag || t.trim() === "*");

export const publicCache = createMiddleware<AppEnv>(async (c, next) => {
  const url = new URL(c.req.url);
  if (
    c.req.method !== "GET" ||
    !CACHEABLE.test(url.pathname) ||
    c.req.header("Authorization") !== undefined ||
    // A request measuring its database work must do it.
    c.req.header("X-D1-Stats") !== undefined
  ) {
    return next();
  }
  const [row] = await c.get("db").select({ version: data_version.version }).from(data_version);
  const etag = `W/"${row?.version ?? 0}.${Math.floor(Date.now() / 60_000)}"`;
  const headers = { ETag: etag, "Cache-Control": "public, no-cache" };
  if (matches(c.req.header("If-None-Match"), etag)) return c.body(null, 304, headers);

  const key = url.toString();
  const hit = entries.get(key);
  if (hit?.etag === etag && !c.req.header("Cache-Control")?.includes("no-cache")) {
    remember(key, hit);
    return c.body(hit.body.slice(0), hit.status as 200, Object.fromEntries(hit.headers));
  }
  await next();
  if (c.res.status !== 200) return;
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  const copy = c.res.clone();
  try {
    c.executionCtx.waitUntil(keep(key, etag, copy));
  } catch {
    // No execution context (a plain fetch in a script): keep it before answering.
    await keep(key, etag, copy);
  }
});
