import { and, count, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { audit_log } from "../../schema/tables.ts";
import type { Db } from "../env.ts";

export type AuditFilters = {
  entity_type?: string;
  entity_id?: string;
  actor?: string;
  since?: string;
  until?: string;
};

// Actor names are "role:operator:token"; a prefix such as "operator:viettel"
// selects every token of that operator. Written as a range so that it uses
// the actor index (";" is the character after ":").
function actorCondition(actor: string): SQL | undefined {
  return or(eq(audit_log.actor, actor), and(gte(audit_log.actor, `${actor}:`), lt(audit_log.actor, `${actor};`)));
}

export async function listAudit(db: Db, filters: AuditFilters, page: { limit: number; before?: number }) {
  const where = and(
    filters.entity_type ? eq(audit_log.entity_type, filters.entity_type) : undefined,
    filters.entity_id ? eq(audit_log.entity_id, filters.entity_id) : undefined,
    filters.actor ? actorCondition(filters.actor) : undefined,
    filters.since ? gte(audit_log.at, filters.since) : undefined,
    filters.until ? lt(audit_log.at, filters.until) : undefined,
  );
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(audit_log)
      .where(and(where, page.before !== undefined ? lt(audit_log.id, page.before) : undefined))
      .orderBy(desc(audit_log.id))
      .limit(page.limit + 1),
    db.select({ n: count() }).from(audit_log).where(where),
  ]);
  const data = rows.slice(0, page.limit);
  const last = data[data.length - 1];
  return { data, total: total?.n ?? 0, next_cursor: rows.length > page.limit && last ? last.id : null };
}
