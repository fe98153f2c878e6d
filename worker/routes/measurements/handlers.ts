import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { villages } from "../../../schema/tables.ts";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import { addressBucket } from "../../auth/failures.ts";
import { hashToken } from "../../auth/tokens.ts";
import {
  challengeOpenedBy,
  type MeasurementRow,
  measurementByKey,
  planMeasurement,
  publicView,
  type Submitter,
  sameReading,
  villageMeasurements,
} from "../../data/measurements.ts";
import { assertOperatorExists } from "../../data/operators.ts";
import { consumeRateLimit } from "../../data/rate-limit.ts";
import { isUniqueViolation } from "../../data/version-guard.ts";
import { EVIDENCE_RADIUS_M, measurementRole, VILLAGE_TIE_RADIUS_M } from "../../domain/evidence.ts";
import { PUBLIC_MEASUREMENTS } from "../../domain/rate-limit.ts";
import type { AppEnv, Db } from "../../env.ts";
import { notFound } from "../../errors.ts";
import { actorName, assertActsFor } from "../../middleware/auth.ts";
import { idempotencyKeyReused } from "../../middleware/idempotency.ts";
import type { createMeasurement, listVillageMeasurements } from "./routes.ts";

// The public is known only by a digest of its address (an IPv6 client by its
// /64, which it can rotate within for free): enough to count its submissions
// and to tell reporters apart, never shown by the API.
async function publicReporter(c: Context<AppEnv>) {
  const bucket = addressBucket(c.req.header("CF-Connecting-IP"));
  return { bucket, reporter: `public:${(await hashToken(`phu-song:${bucket ?? "unknown"}`)).slice(0, 16)}` };
}

function explain(row: MeasurementRow, village: { name: string } | null, challenge: { id: number } | null): string {
  if (!row.village_code || !village) {
    return `No village within ${VILLAGE_TIE_RADIUS_M} m: stored without a village, so it speaks for or against none.`;
  }
  const at = `${village.name} (${row.village_code}), ${row.distance_m} m from its point`;
  switch (measurementRole(row)) {
    case "verification":
      return `Verifies the coverage of ${at}.`;
    case "report":
      return challenge
        ? `A no-signal report at ${at}; with the others it opened challenge ${challenge.id} for the department to review.`
        : `A no-signal report at ${at}; it counts towards a challenge of the claim.`;
    default:
      if ((row.distance_m ?? 0) > EVIDENCE_RADIUS_M) {
        return `Tied to ${at}: farther than ${EVIDENCE_RADIUS_M} m, so it neither verifies nor challenges it.`;
      }
      return `Kept for ${at}. A reading of signal verifies a village only when field staff send it with their token.`;
  }
}

async function resultOf(db: Db, row: MeasurementRow) {
  const [village] = row.village_code
    ? await db.select({ name: villages.name }).from(villages).where(eq(villages.code, row.village_code))
    : [];
  const challenge = await challengeOpenedBy(db, row.id);
  return {
    measurement: publicView(row),
    village:
      row.village_code && village && row.distance_m !== null
        ? { code: row.village_code, name: village.name, distance_m: row.distance_m }
        : null,
    counts_as: measurementRole(row),
    challenge_opened: challenge,
    detail: explain(row, village ?? null, challenge),
  };
}

const keyReused = () =>
  idempotencyKeyReused(
    "A different reading was already stored under this Idempotency-Key; a key names one reading. Make a new key for each reading, when it is taken.",
  );

export const createMeasurementHandler: RouteHandler<typeof createMeasurement, AppEnv> = async (c) => {
  const reading = c.req.valid("json");
  const key = c.req.valid("header")["idempotency-key"];
  const actor = c.get("actor");
  const db = c.get("db");
  if (actor) assertActsFor(actor, reading.operator_id);

  const replay = async (stored: MeasurementRow) => {
    if (!sameReading(stored, reading)) throw keyReused();
    return c.json(await resultOf(db, stored), 200, { "Idempotent-Replayed": "true" });
  };
  // A resend is answered before the rate limit: retrying a reading the server
  // already has must never use up the sender's allowance.
  const stored = await measurementByKey(db, key);
  if (stored) return replay(stored);

  const now = new Date();
  let submitter: Submitter;
  if (actor) {
    submitter = { source: "field", recorded_by: actorName(actor), role: actor.role, request_id: c.get("requestId") };
  } else {
    const { bucket, reporter } = await publicReporter(c);
    // Without an address (only code calling the worker directly, never
    // Cloudflare's edge or wrangler dev) there is nothing to count against.
    if (bucket !== undefined) await consumeRateLimit(db, `measurements:${reporter}`, PUBLIC_MEASUREMENTS, now);
    submitter = { source: "public", recorded_by: reporter, role: "public", request_id: c.get("requestId") };
  }
  await assertOperatorExists(db, reading.operator_id);

  const statements = await planMeasurement(db, { reading, key, submitter, now });
  try {
    await db.batch(statements);
  } catch (error) {
    // The same reading sent twice at once: the twin's batch stored it first.
    if (!isUniqueViolation(error, "measurements.idempotency_key")) throw error;
    const twin = await measurementByKey(db, key);
    if (!twin) throw error;
    return replay(twin);
  }
  const row = await measurementByKey(db, key);
  if (!row) throw new Error(`measurement ${key} was not stored`);
  return c.json(await resultOf(db, row), 201);
};

export const listVillageMeasurementsHandler: RouteHandler<typeof listVillageMeasurements, AppEnv> = async (c) => {
  const { code } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const db = c.get("db");
  const [village] = await db.select({ code: villages.code }).from(villages).where(eq(villages.code, code));
  if (!village) throw notFound("village", code);
  const result = await villageMeasurements(db, code, { limit, after: decodeCursor(cursor) });
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};
