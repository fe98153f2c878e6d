import { type SQL, sql } from "drizzle-orm";
import { audit_log } from "../../schema/tables.ts";
import type { Db } from "../env.ts";

export type AuditEntry = {
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  entity_type: string;
  // SQL when the entity gets its id in the same batch (an autoincrement row).
  entity_id: string | SQL;
  before: unknown;
  after: unknown;
  request_id?: string;
};

// Returned unexecuted so the caller puts it in the same db.batch() as the
// change it records: both land or neither does.
export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(audit_log).values({ ...entry, before: entry.before ?? null, after: entry.after ?? null });
}

// Bulk form for imports: each chunk of entries travels as one JSON parameter
// (D1 binds at most 100 parameters per statement), again unexecuted so that it
// joins the batch of the change.
export function auditInsertMany(db: Db, entries: Array<AuditEntry & { entity_id: string }>) {
  const payload = JSON.stringify(
    entries.map((e) => ({ ...e, before: e.before ?? null, after: e.after ?? null, request_id: e.request_id ?? null })),
  );
  const text = (name: keyof AuditEntry) => sql`value->>${name}`.as(name);
  const json = (name: "before" | "after") => sql`nullif(value->${name}, 'null')`.as(name);
  return db.insert(audit_log).select(
    db
      .select({
        id: sql`NULL`.as("id"),
        at: text("at"),
        actor: text("actor"),
        actor_role: text("actor_role"),
        action: text("action"),
        entity_type: text("entity_type"),
        entity_id: text("entity_id"),
        before: json("before"),
        after: json("after"),
        request_id: text("request_id"),
      })
      .from(sql`json_each(${payload})`),
  );
}
