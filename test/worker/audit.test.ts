import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AccessCase,
  adminOnly,
  type Call,
  checkAccess,
  type Principals,
  principals,
  send,
} from "./helpers/access.ts";
import type { Problem } from "./helpers/api.ts";
import { insertVillages, seedBase, villageRow } from "./helpers/factories.ts";

type Entry = {
  id: number;
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
};
type Page = { data: Entry[]; total: number; next_cursor: string | null };

let who: Principals;

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "AU-01", lat: 23.2, lon: 105.3 })]);
  who = await principals("viettel", "vinaphone");
});

async function audit(query: string, auth = who.admin): Promise<Page> {
  const res = await send({ method: "GET", path: `/api/v1/audit${query}` }, auth);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}

async function entriesOf(requestId: string | null): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE request_id = ?")
    .bind(requestId)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

const station = (site: string, operator = "viettel") => ({
  operator_id: operator,
  site_code: site,
  lat: 23.201,
  lon: 105.3,
  technologies: ["4g"],
});

describe("GET /api/v1/audit", () => {
  it("is for the department only", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/audit" }),
      expect: adminOnly(200),
      audits: 0,
    };
    await checkAccess("GET /audit", route, who);
  });

  it("holds exactly one entry per successful change and none for a refused one", async () => {
    const created = await send({ method: "POST", path: "/api/v1/stations", body: station("AU-1") }, who.owner);
    const id = ((await created.clone().json()) as { id: string }).id;
    const at = (path: string, etag?: string): Call => ({
      method: "PATCH",
      path,
      body: { status: "permitted" },
      headers: etag ? { "If-Match": etag } : {},
    });
    const attempts: Array<[Call, Record<string, string>, number]> = [
      [at(`/api/v1/stations/${id}`, '"1"'), who.none, 401],
      [at(`/api/v1/stations/${id}`, '"1"'), who.other, 403],
      [at(`/api/v1/stations/${id}`), who.owner, 428],
      [at(`/api/v1/stations/${id}`, '"9"'), who.owner, 412],
      [{ ...at(`/api/v1/stations/${id}`, '"1"'), body: { status: "on_air" } }, who.owner, 409],
      [{ ...at(`/api/v1/stations/${id}`, '"1"'), body: { status: "nope" } }, who.owner, 400],
      [at(`/api/v1/stations/${id}`, '"1"'), who.owner, 200],
      [{ method: "POST", path: "/api/v1/stations", body: station("AU-1") }, who.admin, 409],
      [{ method: "POST", path: "/api/v1/admin/tokens", body: { role: "admin", label: "a" } }, who.owner, 403],
      [{ method: "POST", path: "/api/v1/admin/tokens", body: { role: "admin", label: "a" } }, who.admin, 201],
    ];
    const responses = [created];
    for (const [call, auth, status] of attempts) {
      const res = await send(call, auth);
      expect(res.status, `${call.method} ${call.path}: ${await res.clone().text()}`).toBe(status);
      responses.push(res);
    }
    for (const res of responses) {
      const requestId = res.headers.get("X-Request-Id");
      expect(requestId).toEqual(expect.any(String));
      expect(await entriesOf(requestId), `${res.status} ${requestId}`).toBe(res.ok ? 1 : 0);
    }
    const page = await audit(`?entity_type=station&entity_id=${id}`);
    expect(page.data.map((e) => e.action)).toEqual(["update", "create"]);
    const [update] = page.data;
    expect(update).toMatchObject({
      actor_role: "operator",
      actor: expect.stringMatching(/^operator:viettel:tok_/),
      before: expect.objectContaining({ status: "planned", version: 1 }),
      after: expect.objectContaining({ status: "permitted", version: 2 }),
    });
  });

  it("filters by entity, actor (or its prefix) and time, newest first", async () => {
    await send({ method: "POST", path: "/api/v1/stations", body: station("AU-2", "vinaphone") }, who.other);
    const all = await audit("");
    expect(all.data.map((e) => e.id)).toEqual([...all.data.map((e) => e.id)].sort((a, b) => b - a));

    const vinaphone = await audit("?actor=operator:vinaphone");
    expect(vinaphone.total).toBeGreaterThan(0);
    expect(vinaphone.data.every((e) => e.actor.startsWith("operator:vinaphone:"))).toBe(true);
    const exact = vinaphone.data[0]?.actor as string;
    expect((await audit(`?actor=${encodeURIComponent(exact)}`)).data.every((e) => e.actor === exact)).toBe(true);
    // A prefix matches whole segments only.
    expect((await audit("?actor=operator:vina")).total).toBe(0);

    const tokens = await audit("?entity_type=token");
    expect(tokens.data.every((e) => e.entity_type === "token")).toBe(true);

    const newest = all.data[0] as Entry;
    expect((await audit(`?since=${encodeURIComponent(newest.at)}`)).data.map((e) => e.id)).toContain(newest.id);
    expect((await audit(`?until=${encodeURIComponent(newest.at)}`)).data.map((e) => e.id)).not.toContain(newest.id);
    expect((await audit("?since=2000-01-01&until=2000-01-02")).total).toBe(0);
    // An offset is converted: the same instant in Vietnam time.
    const vn = new Date(Date.parse(newest.at) + 7 * 3600_000).toISOString().replace("Z", "+07:00");
    expect((await audit(`?since=${encodeURIComponent(vn)}`)).data.map((e) => e.id)).toContain(newest.id);
  });

  it("pages with a keyset cursor that neither skips nor repeats", async () => {
    const all = await audit("?limit=1000");
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await audit(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.total).toBe(all.total);
      seen.push(...page.data.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.data.map((e) => e.id));
  });

  it("rejects bad filters with the field named", async () => {
    for (const [query, field] of [
      ["?since=yesterday", "since"],
      ["?limit=0", "limit"],
      ["?cursor=garbage", "cursor"],
    ]) {
      const res = await send({ method: "GET", path: `/api/v1/audit${query}` }, who.admin);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as Problem).errors?.[0]?.field).toBe(field);
    }
  });
});
