import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_MEASUREMENTS } from "../../worker/domain/rate-limit.ts";
import { type AccessCase, checkAccess, type Principals, principals, snapshot } from "./helpers/access.ts";
import { getJson, type Problem } from "./helpers/api.ts";
import {
  coveredVillage,
  fromAddress,
  type MeasurementResult,
  north,
  postMeasurement,
  reading,
  uncoveredVillage,
} from "./helpers/evidence.ts";
import { seedBase } from "./helpers/factories.ts";

let who: Principals;

beforeAll(async () => {
  await seedBase();
  who = await principals("viettel", "vinaphone");
});

async function rows(sql: string, ...binds: unknown[]) {
  return (
    await env.DB.prepare(sql)
      .bind(...binds)
      .all()
  ).results;
}

describe("who may submit and read measurements", () => {
  it("POST /measurements: anyone without a token, staff with a valid token for their own network", async () => {
    const village = await coveredVillage("MA");
    const route: AccessCase = {
      prepare: async () => ({
        method: "POST",
        path: "/api/v1/measurements",
        body: reading(village),
        headers: { "Idempotency-Key": crypto.randomUUID() },
      }),
      expect: {
        none: 201,
        malformed: 401,
        unknown: 401,
        revoked: 401,
        owner: 201,
        other: { status: 403, detail: /'vinaphone'.*'viettel'/ },
        admin: 201,
      },
      watch: ["measurements", "villages", "audit_log", "challenges"],
    };
    await checkAccess("POST /measurements", route, who);
  });

  it("GET /villages/{code}/measurements is public", async () => {
    const village = await coveredVillage("MA");
    const route: AccessCase = {
      prepare: async () => ({ method: "GET", path: `/api/v1/villages/${village.code}/measurements` }),
      expect: { none: 200, malformed: 200, unknown: 200, revoked: 200, owner: 200, other: 200, admin: 200 },
      audits: 0,
    };
    await checkAccess("GET /villages/{code}/measurements", route, who);
  });
});

describe("POST /measurements", () => {
  it("ties a reading to the nearest village within 2 km, and says how far", async () => {
    const near = await uncoveredVillage("MN");
    // A second village 1.5 km north: a point 1 km north of the first is
    // nearer the first.
    const second = { code: `${near.code}-b`, ...north(near, 1500) };
    await env.DB.prepare(
      "INSERT INTO villages (code, name, name_normalized, province_code, commune_code, lat, lon) VALUES (?, 'Bản Hai', 'ban hai', '98', '99101', ?, ?)",
    )
      .bind(second.code, second.lat, second.lon)
      .run();
    const res = await postMeasurement(reading(north(near, 700)), { auth: who.owner });
    expect(res.status).toBe(201);
    const body = (await res.json()) as MeasurementResult;
    expect(body.village).toMatchObject({ code: near.code, distance_m: 700 });
    expect(body.measurement).toMatchObject({ village_code: near.code, distance_m: 700, source: "field" });
    expect(body.measurement).not.toHaveProperty("recorded_by");
    expect(body.measurement).not.toHaveProperty("idempotency_key");

    const closerToSecond = await postMeasurement(reading(north(near, 900)), { auth: who.owner });
    expect(((await closerToSecond.json()) as MeasurementResult).village).toMatchObject({
      code: second.code,
      distance_m: 600,
    });
  });

  it("keeps a reading farther than 2 km from every village without a village, and says so", async () => {
    const village = await uncoveredVillage("MF");
    const res = await postMeasurement(reading(north(village, 2_300)), { auth: who.owner });
    expect(res.status).toBe(201);
    const body = (await res.json()) as MeasurementResult;
    expect(body.village).toBeNull();
    expect(body.counts_as).toBeNull();
    expect(body.measurement).toMatchObject({ village_code: null, distance_m: null });
    expect(body.detail).toMatch(/No village within 2000 m/);
  });

  it("stores a reading once however often it is sent with its key", async () => {
    const village = await coveredVillage("MI");
    const key = crypto.randomUUID();
    const body = reading(village, { level: "weak", signal_dbm: -108 });
    const first = await postMeasurement(body, { key, headers: fromAddress("203.0.113.7") });
    expect(first.status).toBe(201);
    const stored = (await first.json()) as MeasurementResult;

    const audits = await rows("SELECT id FROM audit_log");
    const again = await Promise.all(
      [1, 2, 3].map(() => postMeasurement(body, { key, headers: fromAddress("203.0.113.7") })),
    );
    for (const res of again) {
      expect(res.status).toBe(200);
      expect(res.headers.get("Idempotent-Replayed")).toBe("true");
      expect(((await res.json()) as MeasurementResult).measurement.id).toBe(stored.measurement.id);
    }
    expect(await rows("SELECT id FROM measurements WHERE idempotency_key = ?", key)).toHaveLength(1);
    expect(await rows("SELECT id FROM audit_log")).toHaveLength(audits.length);
  });

  it("stores once when the same reading arrives twice at the same moment", async () => {
    const village = await coveredVillage("MC");
    const key = crypto.randomUUID();
    const body = reading(village);
    const answers = await Promise.all([postMeasurement(body, { key }), postMeasurement(body, { key })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(await rows("SELECT id FROM measurements WHERE idempotency_key = ?", key)).toHaveLength(1);
  });

  it("refuses a different reading under a key already used, and changes nothing", async () => {
    const village = await coveredVillage("MK");
    const key = crypto.randomUUID();
    expect((await postMeasurement(reading(village), { key })).status).toBe(201);
    const before = await snapshot(["measurements", "audit_log", "villages"]);
    const res = await postMeasurement(reading(village, { level: "none" }), { key });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Problem).type).toBe("/docs#problem-idempotency-key-reused");
    expect(await snapshot(["measurements", "audit_log", "villages"])).toEqual(before);
  });

  it("requires an Idempotency-Key and validates the reading", async () => {
    const village = await coveredVillage("MV");
    const missing = await postMeasurement(reading(village), { key: null });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Problem).errors).toEqual([
      expect.objectContaining({ field: "idempotency-key", location: "header" }),
    ]);

    const bad = await postMeasurement(
      reading(village, {
        level: "excellent",
        lat: 40,
        measured_at: new Date(Date.now() + 3_600_000).toISOString(),
        signal_dbm: -300,
        extra: 1,
      }),
    );
    expect(bad.status).toBe(400);
    const fields = ((await bad.json()) as Problem).errors?.map((e) => e.field).sort();
    expect(fields).toEqual(["extra", "lat", "level", "measured_at", "signal_dbm"].sort());

    const unknown = await postMeasurement(reading(village, { operator_id: "nonexistent" }), { auth: who.admin });
    expect(unknown.status).toBe(422);
  });

  it("limits the public per address with 429 and Retry-After, but never a resend or field staff", async () => {
    const village = await uncoveredVillage("MR");
    const address = fromAddress("192.0.2.44");
    const sent: Array<{ key: string; body: ReturnType<typeof reading> }> = [];
    for (let i = 0; i < PUBLIC_MEASUREMENTS.max; i++) {
      const key = crypto.randomUUID();
      const body = reading(village, { lat: village.lat + i * 0.00001 });
      sent.push({ key, body });
      const res = await postMeasurement(body, { key, headers: address });
      expect(res.status, `submission ${i + 1}`).toBe(201);
    }
    const before = await rows("SELECT id FROM measurements");
    const over = await postMeasurement(reading(village, { lat: village.lat + 0.001 }), { headers: address });
    expect(over.status).toBe(429);
    expect(over.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(over.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(PUBLIC_MEASUREMENTS.window_s);
    expect(((await over.json()) as Problem).type).toBe("/docs#problem-rate-limited");
    expect(await rows("SELECT id FROM measurements")).toHaveLength(before.length);

    // A resend of a stored reading is answered, not counted.
    const [firstSent] = sent;
    if (!firstSent) throw new Error("nothing was sent");
    const resend = await postMeasurement(firstSent.body, { key: firstSent.key, headers: address });
    expect(resend.status).toBe(200);
    // Another address, and field staff from this one, are not limited.
    expect((await postMeasurement(reading(village), { headers: fromAddress("192.0.2.45") })).status).toBe(201);
    expect((await postMeasurement(reading(village), { headers: address, auth: who.owner })).status).toBe(201);
  });

  it("audits each stored measurement once, with the sender", async () => {
    const village = await coveredVillage("MU");
    const res = await postMeasurement(reading(village), { auth: who.admin });
    const { measurement } = (await res.json()) as MeasurementResult;
    const entries = await rows(
      "SELECT actor, actor_role, action FROM audit_log WHERE entity_type = 'measurement' AND entity_id = ?",
      String(measurement.id),
    );
    expect(entries).toEqual([
      { actor: expect.stringMatching(/^admin:department:/), actor_role: "admin", action: "create" },
    ]);
  });
});

describe("GET /villages/{code}/measurements", () => {
  it("lists a village's readings newest first, page by page, without who sent them", async () => {
    const village = await coveredVillage("ML");
    for (const hours of [5, 1, 3]) {
      await postMeasurement(reading(village, { measured_at: new Date(Date.now() - hours * 3_600_000).toISOString() }), {
        auth: who.owner,
      });
    }
    const first = await getJson<{ data: Array<Record<string, unknown>>; total: number; next_cursor: string | null }>(
      `/api/v1/villages/${village.code}/measurements?limit=2`,
    );
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(3);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0]).not.toHaveProperty("recorded_by");
    const second = await getJson<{ data: Array<{ measured_at: string }>; next_cursor: string | null }>(
      `/api/v1/villages/${village.code}/measurements?limit=2&cursor=${first.body.next_cursor}`,
    );
    const times = [...first.body.data, ...second.body.data].map((m) => m.measured_at as string);
    expect(times).toEqual([...times].sort().reverse());
    expect(second.body.next_cursor).toBeNull();

    expect((await getJson(`/api/v1/villages/NO-SUCH/measurements`)).status).toBe(404);
  });
});
