import { audit_log } from "../../schema/tables.ts";
import type { Db } from "../env.ts";

export type AuditEntry = {
  at: string;
  actor: string;
  actor_role: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  request_id?: string;
};

// Returned unexecuted so the caller puts it in the same db.batch() as the
// change it records: both land or neither does.
export function auditInsert(db: Db, entry: AuditEntry) {
  return db.insert(audit_log).values({ ...entry, before: entry.before ?? null, after: entry.after ?? null });
}
