import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { hashToken } from "../../worker/auth/tokens.ts";
import { type AccessCase, adminOnly, checkAccess, type Principals, principals, send } from "./helpers/access.ts";
import type { Problem } from "./helpers/api.ts";
import { createToken } from "./helpers/auth.ts";
import { seedBase, testDb } from "./helpers/factories.ts";

type Created = { id: string; token: string | null; role: string; operator_id: string | null; label: string };

let who: Principals;

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

async function create(body: unknown, headers: Record<string, string> = {}) {
  return send({ method: "POST", path: "/api/v1/admin/tokens", body, headers }, who.admin);
}

const me = (auth: Record<string, string>) => send({ method: "GET", path: "/api/v1/auth/me" }, auth);

describe("who may use the token routes", () => {
  it("GET /auth/me answers any valid token and 401 to everything else", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/auth/me" }),
      expect: { none: 401, malformed: 401, unknown: 401, revoked: 401, owner: 200, other: 200, admin: 200 },
      audits: 0,
    };
    await checkAccess("GET /auth/me", route, who);
  });

  it("POST /admin/tokens is for the department only", async () => {
    let n = 0;
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: "/api/v1/admin/tokens",
        body: { role: "operator", operator_id: "viettel", label: `matrix ${++n}` },
      }),
      expect: adminOnly(201),
    };
    await checkAccess("POST /admin/tokens", route, who);
  });

  it("GET /admin/tokens is for the department only", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/admin/tokens" }),
      expect: adminOnly(200),
      audits: 0,
    };
    await checkAccess("GET /admin/tokens", route, who);
  });

  it("DELETE /admin/tokens/{id} is for the department only", async () => {
    const route: AccessCase = {
      prepare: async () => {
        const t = await createToken("operator", "viettel", "to revoke");
        return { method: "DELETE", path: `/api/v1/admin/tokens/${t.id}` };
      },
      expect: adminOnly(200),
    };
    await checkAccess("DELETE /admin/tokens/{id}", route, who);
  });
});

describe("a token's life", () => {
  it("is created once, works, is listed without its secret, and stops working when revoked", async () => {
    const res = await create({ role: "operator", operator_id: "mobifone", label: "MobiFone Hà Giang" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Created;
    expect(created).toMatchObject({ role: "operator", operator_id: "mobifone", label: "MobiFone Hà Giang" });
    expect(created.token).toMatch(/^ps_[A-Za-z0-9_-]{43}$/);
    const auth = { Authorization: `Bearer ${created.token}` };

    const whoami = await me(auth);
    expect(await whoami.json()).toEqual({
      role: "operator",
      operator_id: "mobifone",
      label: "MobiFone Hà Giang",
      token_id: created.id,
    });

    const [stored] = await testDb().select().from(tables.api_tokens).where(eq(tables.api_tokens.id, created.id));
    expect(stored?.token_hash).toBe(await hashToken(created.token as string));

    const list = await send({ method: "GET", path: "/api/v1/admin/tokens" }, who.admin);
    const listText = await list.text();
    const listed = (JSON.parse(listText) as { data: Array<Record<string, unknown>> }).data.find(
      (t) => t.id === created.id,
    );
    expect(listed).toMatchObject({ id: created.id, revoked_at: null, created_by: expect.stringMatching(/^admin:/) });
    expect(listed).not.toHaveProperty("token_hash");
    expect(listed).not.toHaveProperty("token");
    expect(listText).not.toContain(created.token);
    expect(listText).not.toContain(stored?.token_hash);

    const revoke = await send({ method: "DELETE", path: `/api/v1/admin/tokens/${created.id}` }, who.admin);
    expect(revoke.status).toBe(200);
    expect(((await revoke.json()) as { revoked_at: string }).revoked_at).toEqual(expect.any(String));
    expect((await me(auth)).status).toBe(401);

    // Revoking again changes nothing and records nothing.
    const again = await send({ method: "DELETE", path: `/api/v1/admin/tokens/${created.id}` }, who.admin);
    expect(again.status).toBe(200);
    const audit = await testDb().select().from(tables.audit_log).where(eq(tables.audit_log.entity_id, created.id));
    expect(audit.map((a) => a.action)).toEqual(["create", "revoke"]);
    const auditText = JSON.stringify(audit);
    expect(auditText).not.toContain(created.token);
    expect(auditText).not.toContain(stored?.token_hash);
  });

  it("an admin token made through the API can make more tokens", async () => {
    const created = (await (await create({ role: "admin", label: "second admin" })).json()) as Created;
    expect(created.operator_id).toBeNull();
    const res = await send(
      { method: "POST", path: "/api/v1/admin/tokens", body: { role: "operator", operator_id: "viettel", label: "x" } },
      { Authorization: `Bearer ${created.token}` },
    );
    expect(res.status).toBe(201);
  });

  it("answers 404 when revoking a token that does not exist", async () => {
    const res = await send({ method: "DELETE", path: "/api/v1/admin/tokens/tok_nope" }, who.admin);
    expect(res.status).toBe(404);
  });

  it("validates the request", async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ role: "operator", label: "no operator" }, 400, "operator_id"],
      [{ role: "admin", operator_id: "viettel", label: "admin with operator" }, 400, "operator_id"],
      [{ role: "root", label: "x" }, 400, "role"],
      [{ role: "admin", label: "   " }, 400, "label"],
      [{ role: "admin" }, 400, "label"],
      [{ role: "operator", operator_id: "gmobile", label: "unknown operator" }, 422, ""],
    ];
    const before = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens").first<{ n: number }>();
    for (const [body, status, field] of cases) {
      const res = await create(body);
      const problem = (await res.json()) as Problem;
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
    const after = await env.DB.prepare("SELECT count(*) AS n FROM api_tokens").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("replays a retried creation without the secret, which is never stored", async () => {
    const key = { "Idempotency-Key": "token-retry-1" };
    const first = (await (await create({ role: "admin", label: "retried" }, key)).json()) as Created;
    const retry = await create({ role: "admin", label: "retried" }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.json()).toEqual({ ...first, token: null });
    const rows = await testDb().select().from(tables.api_tokens).where(eq(tables.api_tokens.label, "retried"));
    expect(rows).toHaveLength(1);
    const stored = await env.DB.prepare("SELECT body FROM idempotency_keys WHERE key = ?")
      .bind(key["Idempotency-Key"])
      .first<{ body: string }>();
    expect(stored?.body).not.toContain(first.token);
  });
});
