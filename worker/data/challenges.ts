import { aliasedTable, and, count, desc, eq, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { type ChallengeStatus, challenges, measurements, units, villages } from "../../schema/tables.ts";
import type { Db } from "../env.ts";
import { type AuditEntry, auditInsert } from "./audit.ts";
import { type ClaimRow, loadCoverageConfig, planVillages, type VillageChange } from "./engine.ts";
import { refreshEvidence } from "./evidence.ts";
import { unitCondition } from "./filters.ts";
import { publicView, reportsFor } from "./measurements.ts";
import type { Unit } from "./units.ts";
import { expectVersion } from "./version-guard.ts";

export type Challenge = typeof challenges.$inferSelect;

export type ChallengeFilters = { status?: ChallengeStatus; operator?: string };

const commune = aliasedTable(units, "commune");

function listQuery(db: Db) {
  return db
    .select({
      challenge: challenges,
      village_name: villages.name,
      commune_code: villages.commune_code,
      commune_name: commune.full_name,
      coverage_state: villages.coverage_state,
    })
    .from(challenges)
    .innerJoin(villages, eq(villages.code, challenges.village_code))
    .leftJoin(commune, and(eq(commune.code, villages.commune_code), eq(commune.era, "2025")));
}

type ListRow = Awaited<ReturnType<ReturnType<typeof listQuery>["all"]>>[number];

// The reports behind each challenge: those measured since its evidence window
// opened and, once it is resolved, received before the ruling (what the
// department saw when it decided).
async function evidenceOf(db: Db, list: Challenge[]) {
  const byChallenge = new Map<number, Array<typeof measurements.$inferSelect>>(list.map((c) => [c.id, []]));
  for (let i = 0; i < list.length; i += 90) {
    const ids = list.slice(i, i + 90).map((c) => c.id);
    const rows = await db
      .select({ challenge_id: challenges.id, measurement: measurements })
      .from(measurements)
      .innerJoin(
        challenges,
        and(
          reportsFor(challenges, challenges.evidence_from),
          or(isNull(challenges.resolved_at), lte(measurements.created_at, challenges.resolved_at)),
        ),
      )
      .where(inArray(challenges.id, ids))
      .orderBy(measurements.measured_at, measurements.id);
    for (const r of rows) byChallenge.get(r.challenge_id)?.push(r.measurement);
  }
  return byChallenge;
}

// Reporters are counted, never named: the evidence shows what was measured,
// where and when, not who sent it.
function shape(row: ListRow, evidence: Array<typeof measurements.$inferSelect>) {
  return {
    ...row.challenge,
    village_name: row.village_name,
    commune_code: row.commune_code,
    commune_name: row.commune_name,
    coverage_state: row.coverage_state,
    reporters: new Set(evidence.map((m) => m.recorded_by)).size,
    evidence: evidence.map(publicView),
  };
}

function conditions(filters: ChallengeFilters, unit: Unit | undefined): SQL | undefined {
  return and(
    filters.status ? eq(challenges.status, filters.status) : undefined,
    filters.operator ? eq(challenges.operator_id, filters.operator) : undefined,
    unit ? unitCondition(villages, unit) : undefined,
  );
}

// Newest first, by id.
export async function listChallenges(
  db: Db,
  filters: ChallengeFilters,
  unit: Unit | undefined,
  page: { limit: number; after?: string },
) {
  const where = conditions(filters, unit);
  const after = page.after ? lt(challenges.id, Number.parseInt(page.after, 10) || 0) : undefined;
  const [rows, [total]] = await Promise.all([
    listQuery(db)
      .where(and(where, after))
      .orderBy(desc(challenges.id))
      .limit(page.limit + 1),
    db
      .select({ n: count() })
      .from(challenges)
      .innerJoin(villages, eq(villages.code, challenges.village_code))
      .where(where),
  ]);
  const pageRows = rows.slice(0, page.limit);
  const evidence = await evidenceOf(
    db,
    pageRows.map((r) => r.challenge),
  );
  const data = pageRows.map((r) => shape(r, evidence.get(r.challenge.id) ?? []));
  const last = data[data.length - 1];
  return { data, total: total?.n ?? 0, next_cursor: rows.length > page.limit && last ? String(last.id) : null };
}

export async function challengeById(db: Db, id: number) {
  const [row] = await listQuery(db).where(eq(challenges.id, id));
  if (!row) return undefined;
  const evidence = await evidenceOf(db, [row.challenge]);
  return shape(row, evidence.get(id) ?? []);
}

// What anyone may know: how many claims are under review and how they were
// decided, per operator, without the evidence.
export async function challengeSummary(db: Db, unit: Unit | undefined) {
  const rows = await db
    .select({ operator_id: challenges.operator_id, status: challenges.status, n: count() })
    .from(challenges)
    .innerJoin(villages, eq(villages.code, challenges.village_code))
    .where(unit ? unitCondition(villages, unit) : undefined)
    .groupBy(challenges.operator_id, challenges.status)
    .orderBy(challenges.operator_id);
  const empty = () => ({ open: 0, upheld: 0, rejected: 0 });
  const total = empty();
  const byOperator = new Map<string, ReturnType<typeof empty>>();
  for (const r of rows) {
    total[r.status] += r.n;
    const entry = byOperator.get(r.operator_id) ?? empty();
    entry[r.status] += r.n;
    byOperator.set(r.operator_id, entry);
  }
  return { ...total, by_operator: [...byOperator].map(([operator_id, counts]) => ({ operator_id, ...counts })) };
}

export type Resolution = { decision: "upheld" | "rejected"; note: string };

// One batch: the guard that the challenge is still as read, its ruling, for an
// upheld one the survey "none" claim and the recomputed village (state,
// history), the village's evidence date (an upheld ruling overrules earlier
// readings of that operator and technology) and the audit entry.
export async function planResolution(
  db: Db,
  input: {
    challenge: Challenge;
    resolution: Resolution;
    audit: Omit<AuditEntry, "action" | "entity_type" | "entity_id" | "before" | "after">;
  },
): Promise<{ statements: BatchItem<"sqlite">[]; after: Challenge; changes: VillageChange[] }> {
  const { challenge, resolution, audit } = input;
  const after: Challenge = {
    ...challenge,
    status: resolution.decision,
    resolved_at: audit.at,
    resolved_by: audit.actor,
    decision_note: resolution.note,
    version: challenge.version + 1,
  };
  let coverage: { statements: BatchItem<"sqlite">[]; changes: VillageChange[] } = { statements: [], changes: [] };
  if (resolution.decision === "upheld") {
    const claim: ClaimRow = {
      village_code: challenge.village_code,
      operator_id: challenge.operator_id,
      tech: challenge.tech,
      source: "survey",
      level: "none",
      effective: false,
      station_id: null,
      distance_m: null,
      measurement_id: null,
      verified_at: audit.at,
      updated_at: audit.at,
    };
    coverage = await planVillages(db, {
      codes: [challenge.village_code],
      config: await loadCoverageConfig(db),
      cause: { cause: `challenge ${challenge.id} upheld`, actor: audit.actor, at: audit.at },
      claims: [claim],
    });
  }
  const statements: BatchItem<"sqlite">[] = [
    expectVersion(db, challenges, challenge.id, challenge.version),
    db
      .update(challenges)
      .set({
        status: after.status,
        resolved_at: after.resolved_at,
        resolved_by: after.resolved_by,
        decision_note: after.decision_note,
        version: sql`${challenges.version} + 1`,
      })
      .where(and(eq(challenges.id, challenge.id), eq(challenges.status, "open"))),
    ...coverage.statements,
    refreshEvidence(db, challenge.village_code),
    auditInsert(db, {
      ...audit,
      action: resolution.decision === "upheld" ? "uphold" : "reject",
      entity_type: "challenge",
      entity_id: String(challenge.id),
      before: challenge,
      after,
    }),
  ];
  return { statements, after, changes: coverage.changes };
}

export async function challengeRow(db: Db, id: number): Promise<Challenge | undefined> {
  const [row] = await db.select().from(challenges).where(eq(challenges.id, id));
  return row;
}
