import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { coverage, measurements, type Tech, villages } from "../../schema/tables.ts";
import { distanceMeters } from "../domain/geo.ts";
import type { Db } from "../env.ts";
import { type AuditEntry, auditInsert } from "./audit.ts";
import { type ClaimRow, loadCoverageConfig, planVillages, type VillageChange } from "./engine.ts";
import { refreshEvidence } from "./evidence.ts";

export type SurveyInput = {
  operator_id: string;
  tech: Tech;
  level: "good" | "weak" | "none";
  measured_at: string;
  signal_dbm?: number | null;
  device_note?: string | null;
  lat?: number;
  lon?: number;
};

type Village = { code: string; lat: number | null; lon: number | null };

// Plans a survey as one batch: the measurement, the village's survey claim for
// that operator × technology, the recomputed village (effective flags, state,
// history event) and the audit entry. The measurement's id only exists once
// the batch runs, so the claim, the event and the audit entry find it by a
// key generated here.
export async function planSurvey(
  db: Db,
  input: {
    village: Village;
    survey: SurveyInput;
    position: { lat: number; lon: number };
    audit: Omit<AuditEntry, "action" | "entity_type" | "entity_id" | "before" | "after">;
  },
) {
  const { village, survey, position } = input;
  const key = `survey-${crypto.randomUUID()}`;
  const at = input.audit.at;
  const measuredAt = new Date(survey.measured_at).toISOString();
  const distance =
    village.lat !== null && village.lon !== null
      ? Math.round(distanceMeters(position, { lat: village.lat, lon: village.lon }))
      : null;
  const measurement = {
    lat: position.lat,
    lon: position.lon,
    operator_id: survey.operator_id,
    tech: survey.tech,
    level: survey.level,
    signal_dbm: survey.signal_dbm ?? null,
    measured_at: measuredAt,
    source: "survey" as const,
    recorded_by: input.audit.actor,
    device_note: survey.device_note ?? null,
    village_code: village.code,
    distance_m: distance,
    idempotency_key: key,
  };

  const [previous] = await db
    .select()
    .from(coverage)
    .where(
      and(
        eq(coverage.village_code, village.code),
        eq(coverage.operator_id, survey.operator_id),
        eq(coverage.tech, survey.tech),
        eq(coverage.source, "survey"),
      ),
    );
  // Surveys entered late must not undo a more recent one: the claim follows
  // the latest measurement, while every measurement is kept.
  const replaces = !previous || previous.verified_at <= measuredAt;
  const claim: ClaimRow = {
    village_code: village.code,
    operator_id: survey.operator_id,
    tech: survey.tech,
    source: "survey",
    level: survey.level,
    effective: false,
    station_id: null,
    distance_m: distance,
    measurement_id: null,
    measurement_key: key,
    verified_at: measuredAt,
    updated_at: at,
  };
  const plan = replaces
    ? await planVillages(db, {
        codes: [village.code],
        config: await loadCoverageConfig(db),
        cause: { cause: "survey", measurement_key: key, actor: input.audit.actor, at },
        claims: [claim],
      })
    : { statements: [], changes: [] as VillageChange[] };

  const { measurement_key: _key, ...claimColumns } = claim;
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db.insert(measurements).values(measurement),
    ...plan.statements,
    // A survey's reading of signal verifies the village, and its "none"
    // overrules earlier readings of that operator and technology.
    refreshEvidence(db, village.code),
    auditInsert(db, {
      ...input.audit,
      action: "create",
      entity_type: "measurement",
      entity_id: sql`(SELECT CAST(id AS TEXT) FROM ${measurements} WHERE ${measurements.idempotency_key} = ${key})`,
      before: replaces ? (previous ?? null) : null,
      after: { ...measurement, claim: replaces ? claimColumns : null },
    }),
  ];
  return { key, statements, changes: plan.changes, replaces };
}

export async function surveyOutcome(db: Db, key: string, village: Village, survey: SurveyInput) {
  const [[measurement], [state], claims] = await db.batch([
    db.select().from(measurements).where(eq(measurements.idempotency_key, key)),
    db
      .select({
        code: villages.code,
        coverage_state: villages.coverage_state,
        best_tech: villages.best_tech,
        coverage_changed_at: villages.coverage_changed_at,
      })
      .from(villages)
      .where(eq(villages.code, village.code)),
    db
      .select()
      .from(coverage)
      .where(
        and(
          eq(coverage.village_code, village.code),
          eq(coverage.operator_id, survey.operator_id),
          eq(coverage.tech, survey.tech),
        ),
      )
      .orderBy(coverage.source),
  ]);
  if (!measurement || !state) throw new Error(`survey ${key} was not stored`);
  return { measurement, village: state, claims };
}
