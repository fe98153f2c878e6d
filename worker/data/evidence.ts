import { and, eq, gte, inArray, isNotNull, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { villages } from "../../schema/tables.ts";
import { EVIDENCE_RADIUS_M, type EvidenceState, evidenceCutoff, VERIFYING_SOURCES } from "../domain/evidence.ts";
import type { Db } from "../env.ts";

const COVERED = ["good", "weak"] as const;
const inList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

// The village's latest verification (measurementRole() === "verification" in
// worker/domain/evidence.ts) that no later survey "none" for the same operator
// and technology overrules, recomputed from the measurements themselves. A
// statement for the caller's batch, after its measurement or claim is written:
// both land together, and running it twice changes nothing.
export function refreshEvidence(db: Db, villageCode: string) {
  return db
    .update(villages)
    .set({
      evidence_at: sql`(
        SELECT max(m.measured_at) FROM measurements m
        WHERE m.village_code = ${villages.code}
          AND m.source IN (${inList(VERIFYING_SOURCES)})
          AND m.level IN (${inList(COVERED)})
          AND m.distance_m <= ${EVIDENCE_RADIUS_M}
          AND NOT EXISTS (
            SELECT 1 FROM coverage c
            WHERE c.village_code = m.village_code AND c.operator_id = m.operator_id AND c.tech = m.tech
              AND c.source = 'survey' AND c.level = 'none' AND c.verified_at > m.measured_at
          )
      )`,
    })
    .where(eq(villages.code, villageCode));
}

// evidenceOf() as SQL, for filters and counts: the two must never disagree.
export function evidenceCondition(state: EvidenceState, now: Date): SQL {
  const covered = inArray(villages.coverage_state, [...COVERED]);
  const cutoff = evidenceCutoff(now);
  if (state === "none") return sql`NOT ${covered}`;
  if (state === "verified") return and(covered, gte(villages.evidence_at, cutoff)) as SQL;
  return and(covered, or(isNull(villages.evidence_at), lt(villages.evidence_at, cutoff))) as SQL;
}

// Never NULL, so that NOT of it is the exact complement.
export function staleCondition(now: Date): SQL {
  return and(
    inArray(villages.coverage_state, [...COVERED]),
    isNotNull(villages.evidence_at),
    lt(villages.evidence_at, evidenceCutoff(now)),
  ) as SQL;
}

// evidenceOf() as one word per village for the map's compact rows: "stale"
// is an unverified village whose verification ran out.
export const MAP_EVIDENCE = ["none", "verified", "unverified", "stale"] as const;

export function evidenceMark(v: { coverage_state: SQL; evidence_at: SQL }, now: Date): SQL {
  const cutoff = evidenceCutoff(now);
  return sql`CASE WHEN ${v.coverage_state} NOT IN (${inList(COVERED)}) THEN 'none'
    WHEN ${v.evidence_at} >= ${cutoff} THEN 'verified'
    WHEN ${v.evidence_at} IS NULL THEN 'unverified' ELSE 'stale' END`;
}
