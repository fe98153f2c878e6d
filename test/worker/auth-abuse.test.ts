import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as tables from "../../schema/tables.ts";
import { AUTH_FAILURES, addressBucket } from "../../worker/auth/failures.ts";
import { generateToken, hashToken } from "../../worker/auth/tokens.ts";
import { failureKey } from "../../worker/data/auth-failures.ts";
import { fixedWindow } from "../../worker/domain/rate-limit.ts";
import { type Principals, principals, send, snapshot } from "./helpers/access.ts";
import type { Problem } from "./helpers/api.ts";
import { seedBase, testDb } from "./helpers/factories.ts";

let who: Principals;
let address = 0;

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

// Each test knocks from its own documentation-range address (RFC 5737).
const nextAddress = () => `198.51.100.${++address}`;

const me = (auth: Record<string, string>, ip: string) =>
  send({ method: "GET", path: "/api/v1/auth/me", headers: { "CF-Connecting-IP": ip } }, auth);

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("failed authentications are rate limited per client address", () => {
  it(`answers 429 with Retry-After after ${AUTH_FAILURES.max} failures, even to a valid token`, async () => {
    const ip = nextAddress();
    for (let i = 0; i < AUTH_FAILURES.max; i++) {
      const bad = i % 3 === 0 ? who.malformed : i % 3 === 1 ? who.revoked : bearer(generateToken());
      expect((await me(bad, ip)).status, `failure ${i + 1}`).toBe(401);
    }
    const refused = await me(bearer(generateToken()), ip);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURES.window_s);
    const problem = (await refused.json()) as Problem;
    expect(problem).toMatchObject({ status: 429, type: "/docs#problem-too-many-failed-authentications" });

    // A right guess must look exactly like a wrong one, or the limit would not
    // slow a guesser down.
    expect((await me(who.admin, ip)).status).toBe(429);
    // Public reads need no token and stay open.
    expect((await send({ method: "GET", path: "/api/v1/units", headers: { "CF-Connecting-IP": ip } }, {})).status).toBe(
      200,
    );
    // Another address is not affected.
    expect((await me(who.admin, nextAddress())).status).toBe(200);
  });

  it("a refused write changes nothing but the counter", async () => {
    const ip = nextAddress();
    const before = await snapshot();
    for (let i = 0; i <= AUTH_FAILURES.max; i++) {
      const res = await send(
        {
          method: "POST",
          path: "/api/v1/admin/tokens",
          headers: { "CF-Connecting-IP": ip },
          body: { role: "admin", label: "intruder" },
        },
        bearer(generateToken()),
      );
      expect(res.status).toBe(i < AUTH_FAILURES.max ? 401 : 429);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("does not count requests that send no token at all", async () => {
    const ip = nextAddress();
    for (let i = 0; i < AUTH_FAILURES.max + 2; i++) expect((await me({}, ip)).status).toBe(401);
    expect((await me(who.owner, ip)).status).toBe(200);
  });

  it("counts an IPv6 client per /64, and keeps no address in the database", async () => {
    for (let i = 0; i < AUTH_FAILURES.max; i++) {
      expect((await me(bearer(generateToken()), `2001:db8:7:9::${(i + 1).toString(16)}`)).status).toBe(401);
    }
    expect((await me(who.admin, "2001:db8:7:9:ffff::1")).status).toBe(429);
    expect((await me(who.admin, "2001:db8:7:a::1")).status).toBe(200);
    const keys = (await testDb().select().from(tables.rate_limits)).map((r) => r.key).join(" ");
    expect(keys).not.toMatch(/2001|198\.51/);
  });

  it("forgets failures of an earlier window", async () => {
    const ip = nextAddress();
    const key = await failureKey(addressBucket(ip) as string);
    const previous = fixedWindow(new Date(Date.now() - AUTH_FAILURES.window_s * 1000), AUTH_FAILURES.window_s);
    await testDb()
      .insert(tables.rate_limits)
      .values({ key, window_start: previous.start, count: AUTH_FAILURES.max * 5, expires_at: previous.end });
    expect((await me(who.admin, ip)).status).toBe(200);
    // The next failure sweeps the expired window away.
    expect((await me(bearer(generateToken()), ip)).status).toBe(401);
    const rows = await testDb().select().from(tables.rate_limits).where(eq(tables.rate_limits.key, key));
    expect(rows.map((r) => r.count)).toEqual([1]);
  });
});

describe("addressBucket", () => {
  it("keeps IPv4 addresses whole and reduces IPv6 to its /64", () => {
    expect(addressBucket("203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(addressBucket("2001:DB8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
  });

  it("has no bucket for what is not an address", () => {
    for (const value of [undefined, "", "  ", "unknown", "example.org", "1.2.3", "<script>"]) {
      expect(addressBucket(value), String(value)).toBeUndefined();
    }
  });
});

describe("tokens stay secret", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("no answer and no log line carries a token or its digest, whatever the outcome", async () => {
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      });
    }
    const guess = bearer(generateToken());
    const ip = nextAddress();
    const knock = (auth: Record<string, string>, method: string, path: string, body?: unknown) =>
      send({ method, path, body, headers: { "CF-Connecting-IP": ip } }, auth);
    // 401 unknown and revoked, 403, 400, 404, 200, then 429 once the
    // failures add up.
    const calls: Array<[Record<string, string>, Response]> = [];
    for (const [auth, method, path, body] of [
      [guess, "GET", "/api/v1/auth/me"],
      [who.revoked, "GET", "/api/v1/auth/me"],
      [who.owner, "GET", "/api/v1/audit"],
      [who.admin, "POST", "/api/v1/admin/tokens", { role: "admin", label: "" }],
      [who.admin, "DELETE", "/api/v1/admin/tokens/tok_none"],
      [who.owner, "PATCH", "/api/v1/stations/st-none", { name: "x" }],
      [who.admin, "GET", "/api/v1/auth/me"],
      ...Array.from({ length: AUTH_FAILURES.max }, () => [guess, "GET", "/api/v1/auth/me"] as const),
    ] as Array<[Record<string, string>, string, string, unknown?]>) {
      calls.push([auth, await knock(auth, method, path, body)]);
    }
    expect(calls.map(([, res]) => res.status)).toEqual([
      401,
      401,
      403,
      400,
      404,
      404,
      200,
      ...Array.from({ length: AUTH_FAILURES.max - 2 }, () => 401),
      429,
      429,
    ]);
    for (const [auth, res] of calls) {
      const secret = auth.Authorization?.slice("Bearer ".length) as string;
      const seen = [`${[...res.headers].join(" ")} ${await res.text()}`, ...logged];
      for (const text of seen) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(await hashToken(secret));
      }
    }
  });
});
