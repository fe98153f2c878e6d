import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { api_tokens } from "../../../schema/tables.ts";
import { generateToken } from "../../../worker/auth/tokens.ts";
import { request } from "./api.ts";
import { createToken } from "./auth.ts";
import { testDb } from "./factories.ts";

// Who knocks: nobody, a broken Authorization header, a token that never
// existed, one that was revoked, the owning operator, another operator, the
// department.
export const PRINCIPALS = ["none", "malformed", "unknown", "revoked", "owner", "other", "admin"] as const;
export type Principal = (typeof PRINCIPALS)[number];

export type Principals = Record<Principal, Record<string, string>> & { owner_operator: string; other_operator: string };

export async function principals(owner = "viettel", other = "vinaphone"): Promise<Principals> {
  const revoked = await createToken("operator", owner, "revoked");
  await testDb().update(api_tokens).set({ revoked_at: new Date().toISOString() }).where(eq(api_tokens.id, revoked.id));
  return {
    none: {},
    malformed: { Authorization: "Token not-a-bearer-header" },
    unknown: { Authorization: `Bearer ${generateToken()}` },
    revoked: revoked.header,
    owner: (await createToken("operator", owner, "owner")).header,
    other: (await createToken("operator", other, "other")).header,
    admin: (await createToken("admin", null, "admin")).header,
    owner_operator: owner,
    other_operator: other,
  };
}

export type Call = { method: string; path: string; body?: unknown; headers?: Record<string, string> };

export type Expectation = number | { status: number; detail?: RegExp };

export type AccessCase = {
  // Builds fresh state for one principal (a new station, its current ETag…)
  // and returns the request to send, so each principal meets the same world.
  prepare: () => Promise<Call>;
  expect: Record<Principal, Expectation>;
  // Audit entries a success adds; refusals must add none.
  audits?: number;
  // Tables whose every row must be unchanged after a refusal.
  watch?: string[];
};

const WATCHED = [
  "stations",
  "villages",
  "coverage",
  "village_events",
  "audit_log",
  "api_tokens",
  "idempotency_keys",
  "settings",
  "commitments",
  "measurements",
  "progress_snapshots",
];

export async function snapshot(tables: string[] = WATCHED): Promise<Record<string, unknown[]>> {
  const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT * FROM "${t}" ORDER BY rowid`)));
  return Object.fromEntries(tables.map((t, i) => [t, rows[i]?.results ?? []]));
}

async function auditCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first<{ n: number }>())?.n ?? 0;
}

export function send(call: Call, auth: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers, ...auth };
  if (call.body !== undefined) headers["Content-Type"] = "application/json";
  return request(call.path, {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
}

const DEFAULT_TYPES: Record<number, string> = { 401: "unauthenticated", 403: "forbidden" };

// Walks one route through every principal: the exact status, a problem body
// for every refusal (naming both operators when one acts for another), and not
// one row changed by a refusal; a success adds exactly `audits` audit entries.
export async function checkAccess(name: string, route: AccessCase, who: Principals): Promise<void> {
  for (const principal of PRINCIPALS) {
    const call = await route.prepare();
    const expected = route.expect[principal];
    const { status, detail } = typeof expected === "number" ? { status: expected, detail: undefined } : expected;
    const label = `${name} as ${principal}`;
    const before = await snapshot(route.watch);
    const audits = await auditCount();
    const res = await send(call, who[principal]);
    const text = await res.text();
    expect(res.status, `${label}: ${text}`).toBe(status);
    if (status < 400) {
      expect(await auditCount(), `${label}: audit entries`).toBe(audits + (route.audits ?? 1));
      continue;
    }
    expect(res.headers.get("Content-Type"), label).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(text) as { type: string; status: number; title: string; detail: string };
    expect(body.status, label).toBe(status);
    expect(body.title, label).toEqual(expect.any(String));
    expect(body.detail, label).toEqual(expect.any(String));
    if (DEFAULT_TYPES[status]) expect(body.type, label).toBe(`/docs#problem-${DEFAULT_TYPES[status]}`);
    if (status === 401) expect(res.headers.get("WWW-Authenticate"), label).toMatch(/^Bearer/);
    if (detail) expect(body.detail, label).toMatch(detail);
    const secret = who[principal].Authorization?.split(" ")[1];
    if (secret) expect(text, `${label}: the token must never be echoed`).not.toContain(secret);
    expect(await snapshot(route.watch), `${label}: a refusal must change nothing`).toEqual(before);
  }
}

// The usual expectation of an operator-owned resource: anonymous and bad
// tokens 401, another operator 403 naming both, the owner and the department
// `ok`.
export function ownedBy(who: Principals, ok: number): Record<Principal, Expectation> {
  return {
    none: 401,
    malformed: 401,
    unknown: 401,
    revoked: 401,
    owner: ok,
    other: {
      status: 403,
      detail: new RegExp(`'${who.other_operator}'.*'${who.owner_operator}'`),
    },
    admin: ok,
  };
}

// Department-only routes: any operator is a 403 naming the role.
export function adminOnly(ok: number): Record<Principal, Expectation> {
  const forbidden = { status: 403, detail: /admin role/ };
  return {
    none: 401,
    malformed: 401,
    unknown: 401,
    revoked: 401,
    owner: forbidden,
    other: forbidden,
    admin: ok,
  };
}
