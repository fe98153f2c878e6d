import { and, count, desc, eq, getTableColumns, inArray, lt, lte, max, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { audit_log, challenges, coverage, measurements, type Tech, villages } from "../../schema/tables.ts";
import {
  challengeDue,
  challengeWindowStart,
  EVIDENCE_RADIUS_M,
  type MeasuredLevel,
  measurementRole,
  REPORTING_SOURCES,
  VILLAGE_TIE_RADIUS_M,
} from "../domain/evidence.ts";
import { bboxAround, type LatLon } from "../domain/geo.ts";
import type { Db } from "../env.ts";
import { type AuditEntry, auditInsert } from "./audit.ts";
import { refreshEvidence } from "./evidence.ts";
import { locatedIn, nearestOf, withinCircle } from "./placement.ts";

export type MeasurementRow = typeof measurements.$inferSelect;

export type MeasurementInput = {
  lat: number;
  lon: number;
  operator_id: string;
  tech: Tech;
  level: MeasuredLevel;
  signal_dbm?: number | null;
  measured_at: string;
  device_note?: string | null;
};

export type Submitter = {
  source: "field" | "public";
  recorded_by: string;
  role: string;
  request_id?: string;
};

type NearVillage = { code: string; name: string; distance_m: number };

// The nearest located village within `radius`, ties to the smaller code so
// the same point always lands on the same village.
export async function nearestVillageWithin(db: Db, point: LatLon, radius: number): Promise<NearVillage | null> {
  const rows = (await db
    .select({ code: villages.code, name: villages.name, lat: villages.lat, lon: villages.lon })
    .from(villages)
    .where(locatedIn(bboxAround(point, radius)))) as Array<{ code: string; name: string } & LatLon>;
  const best = nearestOf(withinCircle(point, rows, radius));
  return best ? { code: best.item.code, name: best.item.name, distance_m: Math.round(best.distance_m) } : null;
}

export async function measurementByKey(db: Db, key: string): Promise<MeasurementRow | undefined> {
  const [row] = await db.select().from(measurements).where(eq(measurements.idempotency_key, key));
  return row;
}

// A retry must be the same reading; anything else under a used key is a
// client bug that would otherwise lose the second reading silently.
export function sameReading(stored: MeasurementRow, input: MeasurementInput): boolean {
  return (
    stored.lat === input.lat &&
    stored.lon === input.lon &&
    stored.operator_id === input.operator_id &&
    stored.tech === input.tech &&
    stored.level === input.level &&
    stored.measured_at === new Date(input.measured_at).toISOString() &&
    stored.signal_dbm === (input.signal_dbm ?? null) &&
    stored.device_note === (input.device_note ?? null)
  );
}

const idByKey = (key: string) =>
  sql`(SELECT ${measurements.id} FROM ${measurements} WHERE ${measurements.idempotency_key} = ${key})`;

type Operand = string | SQLiteColumn;

// Reports of no signal for one claim since `from`: the evidence of a
// challenge. Values or columns, so the same rule serves a lookup for one claim
// and a join against the challenges table.
export function reportsFor(claim: { village_code: Operand; operator_id: Operand; tech: Operand }, from: Operand) {
  return and(
    sql`${measurements.village_code} = ${claim.village_code}`,
    sql`${measurements.operator_id} = ${claim.operator_id}`,
    sql`${measurements.tech} = ${claim.tech}`,
    eq(measurements.level, "none"),
    inArray(measurements.source, [...REPORTING_SOURCES]),
    lte(measurements.distance_m, EVIDENCE_RADIUS_M),
    sql`${measurements.measured_at} >= ${from}`,
  );
}

// Whether this report completes a challenge: reads the claim, the challenge
// state and who else reported, and returns the statements that open it (the
// challenge and its audit entry) or none. Reports measured before the claim's
// last ruling were already judged and do not count again.
async function planChallenge(
  db: Db,
  m: { village_code: string; operator_id: string; tech: Tech; measured_at: string; recorded_by: string },
  key: string,
  audit: Omit<AuditEntry, "action" | "entity_type" | "entity_id" | "before" | "after">,
  now: Date,
): Promise<BatchItem<"sqlite">[]> {
  const sameClaim = and(
    eq(challenges.village_code, m.village_code),
    eq(challenges.operator_id, m.operator_id),
    eq(challenges.tech, m.tech),
  );
  const [[claim], [open], [ruling]] = await db.batch([
    db
      .select({ level: coverage.level })
      .from(coverage)
      .where(
        and(
          eq(coverage.village_code, m.village_code),
          eq(coverage.operator_id, m.operator_id),
          eq(coverage.tech, m.tech),
          eq(coverage.effective, true),
        ),
      ),
    db
      .select({ n: count() })
      .from(challenges)
      .where(and(sameClaim, eq(challenges.status, "open"))),
    db
      .select({ at: max(challenges.resolved_at) })
      .from(challenges)
      .where(sameClaim),
  ]);
  const windowStart = challengeWindowStart(now);
  const from = ruling?.at && ruling.at > windowStart ? ruling.at : windowStart;
  const others = await db
    .selectDistinct({ by: measurements.recorded_by })
    .from(measurements)
    .where(reportsFor(m, from));
  const reporters = others.map((r) => r.by);
  if (m.measured_at >= from) reporters.push(m.recorded_by);
  if (!challengeDue({ claim_level: claim?.level ?? null, reporters, open_challenge: (open?.n ?? 0) > 0 })) return [];

  const openedBy = idByKey(key);
  return [
    // A concurrent report may have opened it a moment ago: then this one is
    // simply more evidence for it.
    db
      .insert(challenges)
      .values({
        village_code: m.village_code,
        operator_id: m.operator_id,
        tech: m.tech,
        status: "open",
        evidence_from: from,
        opened_at: audit.at,
        opened_by_measurement_id: openedBy,
      })
      .onConflictDoNothing(),
    db.insert(audit_log).select(
      db
        .select({
          id: sql`NULL`.as("id"),
          at: sql`${audit.at}`.as("at"),
          actor: sql`${audit.actor}`.as("actor"),
          actor_role: sql`${audit.actor_role}`.as("actor_role"),
          action: sql`'open'`.as("action"),
          entity_type: sql`'challenge'`.as("entity_type"),
          entity_id: sql`CAST(${challenges.id} AS TEXT)`.as("entity_id"),
          before: sql`NULL`.as("before"),
          after:
            sql`json_object('id', ${challenges.id}, 'village_code', ${challenges.village_code}, 'operator_id', ${challenges.operator_id}, 'tech', ${challenges.tech}, 'status', ${challenges.status}, 'evidence_from', ${challenges.evidence_from}, 'opened_at', ${challenges.opened_at}, 'opened_by_measurement_id', ${challenges.opened_by_measurement_id}, 'reporters_at_opening', ${new Set(reporters).size})`.as(
              "after",
            ),
          request_id: sql`${audit.request_id ?? null}`.as("request_id"),
        })
        .from(challenges)
        .where(eq(challenges.opened_by_measurement_id, openedBy)),
    ),
  ];
}

type Statements = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

// One batch: the measurement, the village's evidence date when it verifies,
// the challenge it may complete, and the audit entries of both.
export async function planMeasurement(
  db: Db,
  input: { reading: MeasurementInput; key: string; submitter: Submitter; now: Date },
): Promise<Statements> {
  const { reading, key, submitter, now } = input;
  const village = await nearestVillageWithin(db, reading, VILLAGE_TIE_RADIUS_M);
  const row = {
    lat: reading.lat,
    lon: reading.lon,
    operator_id: reading.operator_id,
    tech: reading.tech,
    level: reading.level,
    signal_dbm: reading.signal_dbm ?? null,
    measured_at: new Date(reading.measured_at).toISOString(),
    source: submitter.source,
    recorded_by: submitter.recorded_by,
    device_note: reading.device_note ?? null,
    village_code: village?.code ?? null,
    distance_m: village?.distance_m ?? null,
    idempotency_key: key,
  };
  const audit = {
    at: now.toISOString(),
    actor: submitter.recorded_by,
    actor_role: submitter.role,
    request_id: submitter.request_id,
  };
  const role = measurementRole(row);
  const statements: Statements = [
    db.insert(measurements).values(row),
    auditInsert(db, {
      ...audit,
      action: "create",
      entity_type: "measurement",
      entity_id: sql`(SELECT CAST(${measurements.id} AS TEXT) FROM ${measurements} WHERE ${measurements.idempotency_key} = ${key})`,
      before: null,
      after: row,
    }),
  ];
  if (role === "verification" && village) statements.push(refreshEvidence(db, village.code));
  if (role === "report" && village) {
    statements.push(...(await planChallenge(db, { ...row, village_code: village.code }, key, audit, now)));
  }
  return statements;
}

export async function challengeOpenedBy(db: Db, measurementId: number) {
  const [row] = await db
    .select({ id: challenges.id, status: challenges.status })
    .from(challenges)
    .where(eq(challenges.opened_by_measurement_id, measurementId));
  return row ?? null;
}

const { recorded_by: _by, idempotency_key: _key, ...publicColumns } = getTableColumns(measurements);

export function publicView(row: MeasurementRow) {
  const { recorded_by: _r, idempotency_key: _k, ...rest } = row;
  return rest;
}

// Keyset over (measured_at, id), newest first: a village's readings as a
// timeline.
export function measurementCursor(m: { measured_at: string; id: number }): string {
  return `${m.measured_at}|${m.id}`;
}

export async function villageMeasurements(db: Db, code: string, page: { limit: number; after?: string }) {
  const [at = "", id = "0"] = page.after?.split("|") ?? [];
  const after = page.after
    ? or(
        lt(measurements.measured_at, at),
        and(eq(measurements.measured_at, at), lt(measurements.id, Number.parseInt(id, 10) || 0)),
      )
    : undefined;
  const [rows, [total]] = await db.batch([
    db
      .select(publicColumns)
      .from(measurements)
      .where(and(eq(measurements.village_code, code), after))
      .orderBy(desc(measurements.measured_at), desc(measurements.id))
      .limit(page.limit + 1),
    db.select({ n: count() }).from(measurements).where(eq(measurements.village_code, code)),
  ]);
  const data = rows.slice(0, page.limit);
  const last = data[data.length - 1];
  return {
    data,
    total: total?.n ?? 0,
    next_cursor: rows.length > page.limit && last ? measurementCursor(last) : null,
  };
}
