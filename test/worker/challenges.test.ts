import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CHALLENGE_REPORTERS, CHALLENGE_WINDOW_DAYS } from "../../worker/domain/evidence.ts";
import {
  type AccessCase,
  adminOnly,
  checkAccess,
  ownedBy,
  type Principals,
  principals,
  send,
  snapshot,
} from "./helpers/access.ts";
import { getJson, type Problem } from "./helpers/api.ts";
import {
  coveredVillage,
  daysAgo,
  type MeasurementResult,
  north,
  postMeasurement,
  reading,
  reportNoSignal,
} from "./helpers/evidence.ts";
import { seedBase } from "./helpers/factories.ts";

type Challenge = {
  id: number;
  village_code: string;
  operator_id: string;
  tech: string;
  status: string;
  reporters: number;
  evidence: Array<{ id: number; level: string; source: string } & Record<string, unknown>>;
  version: number;
  resolved_by: string | null;
  decision_note: string | null;
  coverage_state: string;
};
type Resolved = Challenge & { coverage_changes: Array<{ code: string; from_state: string; to_state: string }> };
type Detail = {
  coverage_state: string;
  evidence: { state: string };
  explanation: {
    claims: Array<{ operator_id: string; tech: string; source: string; level: string; effective: boolean }>;
  };
  history: Array<{ cause: string; from_state: string; to_state: string }>;
};

let who: Principals;
let address = 0;

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

// Reporters from addresses never used before in this file, so each call's
// reporters are new people.
async function reports(at: { lat: number; lon: number }, n: number, overrides: Record<string, unknown> = {}) {
  const answers = await reportNoSignal(at, n, overrides, address + 1);
  address += n;
  for (const a of answers) expect(a.status).toBe(201);
  return answers.map((a) => a.body);
}

async function openChallenge(prefix = "CH") {
  const village = await coveredVillage(prefix);
  const answers = await reports(village, CHALLENGE_REPORTERS);
  const opened = answers.at(-1)?.challenge_opened;
  if (!opened) throw new Error("no challenge opened");
  return { village, id: opened.id, answers };
}

const list = async (query = "", auth = who.admin) =>
  (
    await getJson<{ data: Challenge[]; total: number; next_cursor: string | null }>(`/api/v1/challenges${query}`, {
      headers: auth,
    })
  ).body;

function resolve(id: number, body: unknown, auth = who.admin) {
  return send({ method: "POST", path: `/api/v1/challenges/${id}/resolve`, body }, auth);
}

describe("who may see and decide challenges", () => {
  it("GET /challenges: the department, and an operator for its own claims", async () => {
    await openChallenge();
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/challenges?operator=viettel" }),
      expect: ownedBy(who, 200),
      audits: 0,
    };
    await checkAccess("GET /challenges", route, who);
  });

  it("GET /challenges/summary: anyone", async () => {
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: "/api/v1/challenges/summary" }),
      expect: { none: 200, malformed: 200, unknown: 200, revoked: 200, owner: 200, other: 200, admin: 200 },
      audits: 0,
    };
    await checkAccess("GET /challenges/summary", route, who);
  });

  it("POST /challenges/{id}/resolve: the department only", async () => {
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: `/api/v1/challenges/${(await openChallenge("CA")).id}/resolve`,
        body: { decision: "upheld", note: "Đoàn kiểm tra xác nhận không có sóng." },
      }),
      expect: adminOnly(200),
      watch: ["challenges", "coverage", "villages", "village_events", "audit_log", "measurements"],
    };
    await checkAccess("POST /challenges/{id}/resolve", route, who);
  });

  it("an operator sees its own challenges by default, and another operator's not at all", async () => {
    await openChallenge();
    const own = await list("", who.owner);
    expect(own.data.length).toBeGreaterThan(0);
    expect(new Set(own.data.map((c) => c.operator_id))).toEqual(new Set(["viettel"]));
    expect((await list("", who.other)).data).toEqual([]);
  });
});

describe("opening a challenge", () => {
  it(`opens on the ${CHALLENGE_REPORTERS}rd "no signal" from a different reporter, with the evidence listed`, async () => {
    const village = await coveredVillage();
    const answers = await reports(village, CHALLENGE_REPORTERS);
    expect(answers.map((a) => a.counts_as)).toEqual(answers.map(() => "report"));
    expect(answers.slice(0, -1).map((a) => a.challenge_opened)).toEqual(answers.slice(0, -1).map(() => null));
    const opened = answers.at(-1)?.challenge_opened;
    expect(opened).toMatchObject({ status: "open" });
    expect(answers.at(-1)?.detail).toMatch(new RegExp(`opened challenge ${opened?.id}`));

    const [challenge] = (await list(`?status=open&operator=viettel`)).data.filter(
      (c) => c.village_code === village.code,
    );
    expect(challenge).toMatchObject({
      operator_id: "viettel",
      tech: "4g",
      status: "open",
      reporters: CHALLENGE_REPORTERS,
    });
    expect(challenge?.evidence.map((m) => m.id).sort()).toEqual(answers.map((a) => a.measurement.id).sort());
    expect(challenge?.evidence[0]).not.toHaveProperty("recorded_by");

    const audit = await env.DB.prepare(
      "SELECT action, after FROM audit_log WHERE entity_type = 'challenge' AND entity_id = ?",
    )
      .bind(String(opened?.id))
      .all<{ action: string; after: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["open"]);

    // A further report joins the open challenge rather than opening another.
    const more = await reports(village, 1);
    expect(more[0]?.challenge_opened).toBeNull();
    const again = (await list(`?status=open`)).data.filter((c) => c.village_code === village.code);
    expect(again).toHaveLength(1);
    expect(again[0]?.reporters).toBe(CHALLENGE_REPORTERS + 1);
  });

  it("one reporter sending again and again opens nothing", async () => {
    const village = await coveredVillage();
    for (let i = 0; i < 5; i++) {
      const res = await postMeasurement(reading(village, { level: "none", lat: village.lat + i * 0.00001 }), {
        headers: { "CF-Connecting-IP": "203.0.113.200" },
      });
      expect(((await res.json()) as MeasurementResult).challenge_opened).toBeNull();
    }
    expect((await list()).data.filter((c) => c.village_code === village.code)).toEqual([]);
  });

  it(`counts only reports of the last ${CHALLENGE_WINDOW_DAYS} days, for the same operator and technology`, async () => {
    const village = await coveredVillage();
    await reports(village, CHALLENGE_REPORTERS - 1, { measured_at: daysAgo(CHALLENGE_WINDOW_DAYS + 2) });
    await reports(village, 1, { tech: "2g" });
    await reports(village, 1, { operator_id: "vinaphone" });
    const last = await reports(village, 1);
    expect(last[0]?.challenge_opened).toBeNull();
    const field = await postMeasurement(reading(village, { level: "none" }), { auth: who.owner });
    expect(((await field.json()) as MeasurementResult).challenge_opened).toBeNull();
    const third = await reports(village, 1);
    expect(third[0]?.challenge_opened).toMatchObject({ status: "open" });
  });

  it("never challenges a village without a claim of signal for that operator and technology", async () => {
    const village = await coveredVillage("NV", "viettel", "4g");
    const answers = await reports(village, CHALLENGE_REPORTERS, { operator_id: "mobifone" });
    expect(answers.every((a) => a.challenge_opened === null)).toBe(true);
  });

  it("reports farther than 500 m from the village point do not count", async () => {
    const village = await coveredVillage();
    const answers = await reports(north(village, 800), CHALLENGE_REPORTERS);
    expect(answers.map((a) => a.counts_as)).toEqual(answers.map(() => null));
    expect(answers.every((a) => a.challenge_opened === null)).toBe(true);
  });
});

describe("deciding a challenge", () => {
  it("upheld: the claim becomes a survey 'none', the village is uncovered again, in one request", async () => {
    const { village, id } = await openChallenge();
    const before = (await getJson<{ villages_uncovered: number; villages_covered: number }>("/api/v1/progress?unit=99"))
      .body;
    const res = await resolve(id, { decision: "upheld", note: "Kiểm tra thực địa: không có sóng 4G Viettel." });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Resolved;
    expect(body).toMatchObject({ id, status: "upheld", version: 2, resolved_by: expect.stringMatching(/^admin:/) });
    expect(body.coverage_changes).toEqual([
      expect.objectContaining({ code: village.code, from_state: "good", to_state: "none" }),
    ]);

    const detail = (await getJson<Detail>(`/api/v1/villages/${village.code}`)).body;
    expect(detail.coverage_state).toBe("none");
    expect(detail.evidence.state).toBe("none");
    expect(detail.explanation.claims.filter((c) => c.operator_id === "viettel" && c.tech === "4g")).toEqual([
      expect.objectContaining({ source: "computed", level: "good", effective: false }),
      expect.objectContaining({ source: "survey", level: "none", effective: true }),
    ]);
    expect(detail.history[0]).toMatchObject({ cause: `challenge ${id} upheld`, from_state: "good", to_state: "none" });
    const after = (await getJson<{ villages_uncovered: number; villages_covered: number }>("/api/v1/progress?unit=99"))
      .body;
    expect(after.villages_uncovered).toBe(before.villages_uncovered + 1);
    expect(after.villages_covered).toBe(before.villages_covered - 1);

    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE entity_type = 'challenge' AND entity_id = ? ORDER BY id",
    )
      .bind(String(id))
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["open", "uphold"]);

    // Once upheld, more reports have nothing left to challenge.
    const more = await reports(village, CHALLENGE_REPORTERS);
    expect(more.every((a) => a.challenge_opened === null)).toBe(true);
  });

  it("upheld leaves a village covered by another operator covered", async () => {
    const village = await coveredVillage("TWO");
    await env.DB.prepare(
      "INSERT INTO stations (id, operator_id, site_code, lat, lon, technologies, status, on_air_at) VALUES (?, 'vinaphone', ?, ?, ?, '[\"2g\"]', 'on_air', '2024-01-01')",
    )
      .bind(`st-${village.code}-vnp`, `${village.code}-VNP`, village.lat, village.lon)
      .run();
    await send({ method: "POST", path: "/api/v1/admin/recompute", body: {} }, who.admin);
    const [first] = await reports(village, CHALLENGE_REPORTERS).then((a) => a.slice(-1));
    const id = first?.challenge_opened?.id;
    if (!id) throw new Error("no challenge opened");
    const res = await resolve(id, { decision: "upheld", note: "Không có 4G." });
    expect(((await res.json()) as Resolved).coverage_changes).toEqual([
      expect.objectContaining({ code: village.code, from_state: "good", to_state: "good" }),
    ]);
    expect((await getJson<Detail>(`/api/v1/villages/${village.code}`)).body.coverage_state).toBe("good");
  });

  it("rejected: the claim stands, and only new reports after the ruling can challenge it again", async () => {
    const { village, id } = await openChallenge();
    const before = await snapshot(["coverage", "villages", "village_events"]);
    const res = await resolve(id, { decision: "rejected", note: "Trạm đã sửa xong hôm qua." });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Resolved).coverage_changes).toEqual([]);
    expect(await snapshot(["coverage", "villages", "village_events"])).toEqual(before);
    expect((await getJson<Detail>(`/api/v1/villages/${village.code}`)).body.coverage_state).toBe("good");

    const [rejected] = (await list("?status=rejected")).data.filter((c) => c.id === id);
    expect(rejected).toMatchObject({ decision_note: "Trạm đã sửa xong hôm qua.", reporters: CHALLENGE_REPORTERS });

    // Reports measured before the ruling were judged by it, even if they
    // arrive later (a phone that was offline); reports measured after it count.
    const late = await reports(village, CHALLENGE_REPORTERS, { measured_at: daysAgo(0.01) });
    expect(late.every((a) => a.challenge_opened === null)).toBe(true);
    const fresh = await reports(village, CHALLENGE_REPORTERS, { measured_at: new Date().toISOString() });
    expect(fresh.slice(0, -1).every((a) => a.challenge_opened === null)).toBe(true);
    expect(fresh.at(-1)?.challenge_opened?.id).toBeGreaterThan(id);
  });

  it("a decision is final: deciding again is 409 and changes nothing", async () => {
    const { id } = await openChallenge();
    expect((await resolve(id, { decision: "rejected", note: "Đủ sóng." })).status).toBe(200);
    const before = await snapshot();
    const again = await resolve(id, { decision: "upheld", note: "Đổi ý." });
    expect(again.status).toBe(409);
    expect(((await again.json()) as Problem).detail).toMatch(/was rejected/);
    expect(await snapshot()).toEqual(before);
  });

  it("a retried decision with the same Idempotency-Key is answered once and applied once", async () => {
    const { id } = await openChallenge();
    const call = {
      method: "POST",
      path: `/api/v1/challenges/${id}/resolve`,
      body: { decision: "upheld", note: "Xác nhận." },
      headers: { "Idempotency-Key": crypto.randomUUID() },
    };
    const first = await send(call, who.admin);
    const second = await send(call, who.admin);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    const audits = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE entity_id = ? AND action = 'uphold'")
      .bind(String(id))
      .first<{ n: number }>();
    expect(audits?.n).toBe(1);
  });

  it("validates the decision, and 404s an unknown challenge", async () => {
    const { id } = await openChallenge();
    const bad = await resolve(id, { decision: "maybe", note: "" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors?.map((e) => e.field).sort()).toEqual(["decision", "note"]);
    expect((await resolve(999_999, { decision: "rejected", note: "?" })).status).toBe(404);
  });
});

describe("the public summary", () => {
  it("counts challenges by status and operator, without evidence", async () => {
    const { body } = await getJson<{
      open: number;
      upheld: number;
      rejected: number;
      by_operator: Array<{ operator_id: string; open: number; upheld: number; rejected: number }>;
    }>("/api/v1/challenges/summary?unit=99");
    const all = await list("?unit=99&limit=1000");
    for (const status of ["open", "upheld", "rejected"] as const) {
      expect(body[status]).toBe(all.data.filter((c) => c.status === status).length);
    }
    expect(body.by_operator.reduce((n, o) => n + o.open + o.upheld + o.rejected, 0)).toBe(all.total);
    expect(JSON.stringify(body)).not.toContain("evidence");
  });
});
