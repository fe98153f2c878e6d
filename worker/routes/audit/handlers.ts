import type { RouteHandler } from "@hono/zod-openapi";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import { listAudit as listAuditQuery } from "../../data/audit-query.ts";
import type { AppEnv } from "../../env.ts";
import { invalidInput } from "../../errors.ts";
import type { listAudit } from "./routes.ts";

function cursorId(cursor: string | undefined): number | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  if (/^\d+$/.test(key)) return Number(key);
  throw invalidInput([{ field: "cursor", location: "query", problem: "is not a cursor of the audit log" }]);
}

export const listAuditHandler: RouteHandler<typeof listAudit, AppEnv> = async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const result = await listAuditQuery(c.get("db"), filters, { limit, before: cursorId(cursor) });
  return c.json(
    { ...result, next_cursor: result.next_cursor === null ? null : encodeCursor(String(result.next_cursor)) },
    200,
  );
};
