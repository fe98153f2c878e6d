import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as tables from "../../schema/tables.ts";
import { todayIn } from "../../worker/domain/commitments.ts";
import {
  type AccessCase,
  checkAccess,
  ownedBy,
  type Principals,
  principals,
  send,
  snapshot,
} from "./helpers/access.ts";
import { getJson, type Problem } from "./helpers/api.ts";
import {
  insertStations,
  insertVillages,
  recomputeAll,
  seedBase,
  stationRow,
  testDb,
  villageRow,
} from "./helpers/factories.ts";

type Commitment = typeof tables.commitments.$inferSelect & { overdue: boolean };
type ListItem = Commitment & {
  village_name: string;
  commune_name: string | null;
  old_commune_name: string | null;
  coverage_state: string;
};
type Page<T> = { data: T[]; total: number; next_cursor: string | null };

const KM_LAT = 1 / 111.2;
const base = { lat: 23.2, lon: 105.3 };
let seq = 0;
let who: Principals;

// Uncovered villages are placed 30 km and more from the one station, one per
// test so that every test meets a village in a known state.
async function uncoveredVillage(overrides: Partial<typeof tables.villages.$inferInsert> = {}) {
  const n = ++seq;
  const [v] = await insertVillages([
    villageRow({
      code: `CM-${n}`,
      name: `Thôn Chờ ${n}`,
      lat: base.lat + (30 + n * 0.1) * KM_LAT,
      lon: base.lon,
      coverage_state: "none",
      ...overrides,
    }),
  ]);
  return v?.code as string;
}

async function assigned(operator = "viettel", overrides: Partial<typeof tables.commitments.$inferInsert> = {}) {
  const code = await uncoveredVillage();
  await testDb()
    .insert(tables.commitments)
    .values({ village_code: code, operator_id: operator, target_date: "2027-06-30", ...overrides });
  return code;
}

function put(code: string, body: unknown, auth: Record<string, string>, headers: Record<string, string> = {}) {
  return send({ method: "PUT", path: `/api/v1/villages/${code}/commitment`, body, headers }, auth);
}

async function auditOf(code: string) {
  return testDb()
    .select()
    .from(tables.audit_log)
    .where(eq(tables.audit_log.entity_id, code))
    .orderBy(tables.audit_log.id);
}

const assignment = { operator_id: "viettel", target_date: "2027-06-30", blockers: [{ kind: "no_grid_power" }] };

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "CM-COVERED", name: "Thôn Có Sóng", ...base })]);
  await insertStations([stationRow({ site_code: "CM-BTS", ...base })]);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

describe("who may write commitments", () => {
  it("only the department assigns a village", async () => {
    const onlyDepartment = { status: 403, detail: /Only the department assigns/ };
    const route: AccessCase = {
      prepare: async () => ({
        method: "PUT",
        path: `/api/v1/villages/${await uncoveredVillage()}/commitment`,
        body: assignment,
      }),
      expect: { ...ownedBy(who, 201), owner: onlyDepartment, other: onlyDepartment },
    };
    await checkAccess("PUT commitment (new)", route, who);
  });

  it("the assigned operator and the department update it; another operator may not", async () => {
    const route: AccessCase = {
      prepare: async () => ({
        method: "PUT",
        path: `/api/v1/villages/${await assigned("viettel")}/commitment`,
        body: { ...assignment, target_date: "2027-12-31", notes: "Chờ điện lưới" },
        headers: { "If-Match": '"1"' },
      }),
      expect: ownedBy(who, 200),
    };
    await checkAccess("PUT commitment (update)", route, who);
  });
});

describe("PUT /villages/{code}/commitment", () => {
  it("creates an open commitment with its blockers and an ETag, audited once", async () => {
    const code = await uncoveredVillage();
    const res = await put(code, { ...assignment, notes: "Địa hình đồi núi" }, who.admin);
    expect(res.status).toBe(201);
    expect(res.headers.get("ETag")).toBe('"1"');
    const body = (await res.json()) as Commitment;
    expect(body).toMatchObject({
      village_code: code,
      operator_id: "viettel",
      target_date: "2027-06-30",
      status: "open",
      blockers: [{ kind: "no_grid_power" }],
      notes: "Địa hình đồi núi",
      version: 1,
      overdue: false,
    });
    const audit = await auditOf(code);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", entity_type: "commitment", actor_role: "admin", before: null });
    expect((await getJson<{ commitment: Commitment }>(`/api/v1/villages/${code}`)).body.commitment).toMatchObject({
      operator_id: "viettel",
      status: "open",
    });
  });

  it("refuses a new commitment for a covered village", async () => {
    const before = await snapshot();
    const res = await put("CM-COVERED", assignment, who.admin);
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).detail).toMatch(/CM-COVERED is already covered/);
    expect(await snapshot()).toEqual(before);
  });

  it("lets the operator report progress and mark it done, version by version", async () => {
    const code = await assigned("viettel");
    const first = await put(code, { ...assignment, notes: "Đã có điện" }, who.owner, { "If-Match": '"1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get("ETag")).toBe('"2"');
    const done = await put(code, { operator_id: "viettel", target_date: "2027-06-30", status: "done" }, who.owner, {
      "If-Match": '"2"',
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: "done", notes: "Đã có điện", version: 3 });
    const audit = await auditOf(code);
    expect(audit.map((a) => a.action)).toEqual(["update", "update"]);
    expect(audit[1]?.before).toMatchObject({ status: "open", version: 2 });
    expect(audit[1]?.after).toMatchObject({ status: "done", version: 3 });
  });

  it("does not let an operator reassign or cancel its commitment", async () => {
    const code = await assigned("viettel");
    const before = await snapshot();
    const reassign = await put(code, { ...assignment, operator_id: "mobifone" }, who.owner, { "If-Match": '"1"' });
    expect(reassign.status).toBe(403);
    expect(((await reassign.json()) as Problem).detail).toMatch(/'viettel'.*'mobifone'/);
    const cancel = await put(code, { ...assignment, status: "cancelled" }, who.owner, { "If-Match": '"1"' });
    expect(cancel.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("lets the department reassign and cancel", async () => {
    const code = await assigned("viettel");
    const res = await put(code, { ...assignment, operator_id: "mobifone", status: "cancelled" }, who.admin, {
      "If-Match": '"1"',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ operator_id: "mobifone", status: "cancelled", version: 2 });
  });

  it("needs If-Match to change a commitment and refuses a stale one, changing nothing", async () => {
    const code = await assigned("viettel");
    const before = await snapshot();
    const missing = await put(code, assignment, who.admin);
    expect(missing.status).toBe(428);
    const stale = await put(code, { ...assignment, target_date: "2028-01-01" }, who.admin, { "If-Match": '"7"' });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ current_etag: '"1"' });
    expect(await snapshot()).toEqual(before);
    const weak = await put(code, { ...assignment, target_date: "2028-01-01" }, who.admin, { "If-Match": 'W/"1"' });
    expect(weak.status).toBe(200);
  });

  it("treats re-sending the stored commitment as no change: same version, no audit entry", async () => {
    const code = await assigned("viettel", { blockers: [{ kind: "terrain", note: "dốc" }], notes: "x" });
    const res = await put(
      code,
      { operator_id: "viettel", target_date: "2027-06-30", blockers: [{ kind: "terrain", note: "dốc" }] },
      who.owner,
      { "If-Match": '"1"' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ version: 1, notes: "x" });
    expect(await auditOf(code)).toHaveLength(0);
  });

  it("answers a retried creation from the first response, adding nothing", async () => {
    const code = await uncoveredVillage();
    const key = { "Idempotency-Key": `commit-${code}` };
    const first = await put(code, assignment, who.admin, key);
    expect(first.status).toBe(201);
    const before = await snapshot();
    const retry = await put(code, assignment, who.admin, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404, 422 and 400 for an unknown village, an unknown operator and bad fields", async () => {
    expect((await put("NO-SUCH", assignment, who.admin)).status).toBe(404);
    const unknown = await put(await uncoveredVillage(), { ...assignment, operator_id: "sfone" }, who.admin);
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as Problem).detail).toMatch(/'sfone'.*viettel/);
    const bad = await put(
      await uncoveredVillage(),
      { ...assignment, target_date: "30/06/2027", blockers: [{ kind: "weather" }] },
      who.admin,
    );
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as Problem).errors?.map((e) => `${e.location}:${e.field}`);
    expect(fields).toEqual(expect.arrayContaining(["body:target_date", "body:blockers.0.kind"]));
  });
});

describe("GET /commitments", () => {
  const today = todayIn("Asia/Ho_Chi_Minh");
  let late: string;
  let onTime: string;
  let lateButDone: string;

  beforeAll(async () => {
    late = await assigned("vietnamobile", { target_date: "2020-03-31", blockers: [{ kind: "funding" }] });
    onTime = await assigned("vietnamobile", { target_date: "2099-01-01" });
    lateButDone = await assigned("vietnamobile", { target_date: "2020-01-01", status: "done" });
  });

  it("lists an operator's commitments by target date with the village and its communes", async () => {
    const { status, body } = await getJson<Page<ListItem>>("/api/v1/commitments?operator=vietnamobile");
    expect(status).toBe(200);
    expect(body.data.map((c) => c.village_code)).toEqual([lateButDone, late, onTime]);
    expect(body.total).toBe(3);
    expect(body.data[1]).toMatchObject({
      village_name: expect.stringMatching(/^Thôn Chờ/),
      commune_name: "Xã Cao Nguyên",
      old_commune_name: "Xã Lũng Cú",
      coverage_state: "none",
      blockers: [{ kind: "funding" }],
      overdue: true,
    });
  });

  it("flags overdue exactly as the filter selects", async () => {
    const all = (await getJson<Page<ListItem>>("/api/v1/commitments?limit=1000")).body.data;
    const overdue = (await getJson<Page<ListItem>>("/api/v1/commitments?overdue=true&limit=1000")).body.data;
    const notOverdue = (await getJson<Page<ListItem>>("/api/v1/commitments?overdue=false&limit=1000")).body.data;
    expect(overdue.map((c) => c.village_code)).toContain(late);
    expect(notOverdue.map((c) => c.village_code)).toEqual(expect.arrayContaining([onTime, lateButDone]));
    expect(overdue.every((c) => c.overdue && c.status === "open" && c.target_date < today)).toBe(true);
    expect(notOverdue.every((c) => !c.overdue)).toBe(true);
    expect(overdue.length + notOverdue.length).toBe(all.length);
  });

  it("pages with a cursor and filters by unit and status", async () => {
    const first = (await getJson<Page<ListItem>>("/api/v1/commitments?operator=vietnamobile&limit=2")).body;
    expect(first.data).toHaveLength(2);
    const second = (
      await getJson<Page<ListItem>>(`/api/v1/commitments?operator=vietnamobile&limit=2&cursor=${first.next_cursor}`)
    ).body;
    expect(second.data.map((c) => c.village_code)).toEqual([onTime]);
    expect(second.next_cursor).toBeNull();
    expect((await getJson<Page<ListItem>>("/api/v1/commitments?unit=99102&as_of=2024-01-01")).body.total).toBe(0);
    const done = (await getJson<Page<ListItem>>("/api/v1/commitments?status=done&operator=vietnamobile")).body.data;
    expect(done.map((c) => c.village_code)).toEqual([lateButDone]);
    const bad = await getJson<Problem>("/api/v1/commitments?overdue=yes");
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatchObject({ field: "overdue", location: "query" });
  });
});
