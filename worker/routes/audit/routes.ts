import { createRoute, z } from "@hono/zod-openapi";
import { AuditEntrySchema, jsonContent, page } from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { pageQuery } from "../params.ts";
import { writeProblems } from "../problems.ts";

// A date means its midnight UTC; any offset is converted, since entries are
// stored in UTC and compared as text.
const instant = (description: string) =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error: "an ISO date or date-time, e.g. 2026-11-01T00:00:00Z",
    })
    .optional()
    .transform((v) => (v === undefined ? undefined : new Date(v.length === 10 ? `${v}T00:00:00Z` : v).toISOString()))
    .openapi({ type: "string", description, example: "2026-11-01T00:00:00Z" });

export const auditQuery = z.object({
  entity_type: z.string().max(40).optional().openapi({ description: "station, token, settings, coverage, …" }),
  entity_id: z.string().max(100).optional(),
  actor: z
    .string()
    .max(120)
    .optional()
    .openapi({ description: "An actor name, or its prefix such as `operator:viettel` or `admin`" }),
  since: instant("Entries at or after this instant"),
  until: instant("Entries before this instant"),
  ...pageQuery,
});

export const listAudit = createRoute({
  method: "get",
  path: "/audit",
  tags: ["Admin"],
  summary: "The append-only audit log, newest first",
  security: [{ bearer: [] }],
  middleware: [requireRole("admin")],
  request: { query: auditQuery },
  responses: { 200: jsonContent(page(AuditEntrySchema, "AuditPage"), "A page of audit entries"), ...writeProblems() },
});
