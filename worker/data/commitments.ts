import { aliasedTable, and, asc, count, eq, getTableColumns, gt, lt, or, type SQL, sql } from "drizzle-orm";
import { commitments, units, villages } from "../../schema/tables.ts";
import { isOverdue } from "../domain/commitments.ts";
import type { Db } from "../env.ts";
import { unitCondition } from "./filters.ts";
import type { Unit } from "./units.ts";

export type Commitment = typeof commitments.$inferSelect;

export type CommitmentFilters = {
  operator?: string;
  status?: Commitment["status"];
  overdue?: boolean;
};

const commune = aliasedTable(units, "commune");
const oldCommune = aliasedTable(units, "old_commune");

// The same rule as isOverdue(), as SQL, so that the filter and the `overdue`
// flag of each item can never disagree (a test holds them together).
function overdueCondition(today: string): SQL {
  return and(eq(commitments.status, "open"), lt(commitments.target_date, today)) as SQL;
}

// Keyset over (target_date, village_code): the list reads as a schedule, and
// one commitment per village makes the pair unique.
export function commitmentCursor(c: { target_date: string; village_code: string }): string {
  return `${c.target_date}|${c.village_code}`;
}

function afterCursor(cursor: string | undefined): SQL | undefined {
  if (cursor === undefined) return undefined;
  const [date = "", code = ""] = cursor.split("|");
  return or(
    gt(commitments.target_date, date),
    and(eq(commitments.target_date, date), gt(commitments.village_code, code)),
  );
}

export async function listCommitments(
  db: Db,
  filters: CommitmentFilters,
  unit: Unit | undefined,
  page: { limit: number; after?: string },
  today: string,
) {
  const where = and(
    filters.operator ? eq(commitments.operator_id, filters.operator) : undefined,
    filters.status ? eq(commitments.status, filters.status) : undefined,
    filters.overdue === undefined
      ? undefined
      : filters.overdue
        ? overdueCondition(today)
        : sql`NOT ${overdueCondition(today)}`,
    unit ? unitCondition(villages, unit) : undefined,
  );
  // Not db.batch(): D1's batch returns rows keyed by column name, and the two
  // joined units both have a full_name.
  const [rows, [total]] = await Promise.all([
    db
      .select({
        ...getTableColumns(commitments),
        village_name: villages.name,
        coverage_state: villages.coverage_state,
        commune_code: villages.commune_code,
        commune_name: commune.full_name,
        old_commune_code: villages.old_commune_code,
        old_commune_name: oldCommune.full_name,
      })
      .from(commitments)
      .innerJoin(villages, eq(villages.code, commitments.village_code))
      .leftJoin(commune, and(eq(commune.code, villages.commune_code), eq(commune.era, "2025")))
      .leftJoin(oldCommune, and(eq(oldCommune.code, villages.old_commune_code), eq(oldCommune.era, "pre2025")))
      .where(and(where, afterCursor(page.after)))
      .orderBy(asc(commitments.target_date), asc(commitments.village_code))
      .limit(page.limit + 1),
    db
      .select({ n: count() })
      .from(commitments)
      .innerJoin(villages, eq(villages.code, commitments.village_code))
      .where(where),
  ]);
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit).map((r) => ({ ...r, overdue: isOverdue(r, today) }));
  const last = data[data.length - 1];
  return { data, total: total?.n ?? 0, next_cursor: hasMore && last ? commitmentCursor(last) : null };
}

export async function commitmentOf(db: Db, villageCode: string): Promise<Commitment | undefined> {
  const [row] = await db.select().from(commitments).where(eq(commitments.village_code, villageCode));
  return row;
}
