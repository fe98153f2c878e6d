import { z } from "@hono/zod-openapi";
import { createInsertSchema, createSelectSchema } from "drizzle-zod";
import {
  api_tokens,
  audit_log,
  BLOCKER_KINDS,
  commitments,
  coverage,
  measurements,
  operators,
  stations,
  TECHS,
  units,
  village_events,
  villages,
} from "../../schema/tables.ts";
import { EVIDENCE_RADIUS_M, EVIDENCE_STATES, EVIDENCE_WINDOW_DAYS } from "../domain/evidence.ts";
import { latitude, longitude } from "../domain/imports.ts";

export const BlockerSchema = z
  .object({
    kind: z.enum(BLOCKER_KINDS),
    note: z.string().max(500).optional(),
  })
  .openapi("Blocker");

export const UnitSchema = createSelectSchema(units).omit({ id: true, name_normalized: true }).openapi("Unit");

export const OperatorSchema = createSelectSchema(operators).openapi("Operator");

// evidence_at is shown as `evidence.last_measured_at`, next to what it means today.
export const VillageSchema = createSelectSchema(villages)
  .omit({ name_normalized: true, evidence_at: true })
  .openapi("Village");

export const EvidenceSchema = z
  .object({
    state: z.enum(EVIDENCE_STATES).openapi({
      description: `verified: covered, and field or survey staff measured signal within ${EVIDENCE_RADIUS_M} m of the village point in the last ${EVIDENCE_WINDOW_DAYS} days; unverified: covered on a claim alone (computed from stations) or on an expired verification; none: not covered, nothing to verify`,
    }),
    last_measured_at: z
      .string()
      .nullable()
      .openapi({ description: "The latest verification that no later survey overrules; null if never verified" }),
    age_days: z.number().int().nullable().openapi({ description: "Days since last_measured_at" }),
    stale: z
      .boolean()
      .openapi({ description: `Covered, verified once, but more than ${EVIDENCE_WINDOW_DAYS} days ago` }),
  })
  .openapi("Evidence");

export const StationSchema = createSelectSchema(stations, {
  technologies: z.array(z.enum(TECHS)),
}).openapi("Station");

export const CommitmentSchema = createSelectSchema(commitments, {
  blockers: z.array(BlockerSchema),
})
  .extend({ overdue: z.boolean().openapi({ description: "Open and past its target date" }) })
  .openapi("Commitment");

export const CommitmentSummarySchema = CommitmentSchema.pick({
  operator_id: true,
  target_date: true,
  status: true,
  overdue: true,
  blockers: true,
}).openapi("CommitmentSummary");

export const VillageListItemSchema = VillageSchema.extend({
  commune_name: z.string().nullable(),
  old_commune_name: z.string().nullable(),
  old_district_name: z.string().nullable(),
  commitment: CommitmentSummarySchema.nullable(),
  evidence: EvidenceSchema,
}).openapi("VillageListItem");

export const ClaimSchema = createSelectSchema(coverage)
  .omit({ village_code: true })
  .extend({
    station_site_code: z.string().nullable(),
    station_status: z.string().nullable(),
    age_days: z.number().int().openapi({ description: "Days since the claim was last verified" }),
  })
  .openapi("CoverageClaim");

export const VillageEventSchema = createSelectSchema(village_events).openapi("VillageEvent");

export const VillageDetailSchema = VillageListItemSchema.extend({
  explanation: z.object({
    summary: z.string(),
    claims: z.array(ClaimSchema),
    covering_stations: z.array(
      z.object({
        station_id: z.string(),
        site_code: z.string(),
        operator_id: z.string(),
        technologies: z.array(z.enum(TECHS)),
        distance_m: z.number().int(),
      }),
    ),
  }),
  commitment: CommitmentSchema.nullable(),
  history: z.array(VillageEventSchema),
}).openapi("VillageDetail");

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      total: z.number().int().openapi({ description: "Rows matching the filters, over all pages" }),
      next_cursor: z.string().nullable(),
    })
    .openapi(name);

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          location: z.enum(["query", "path", "body", "header", "file"]),
          problem: z.string(),
          row: z.number().int().optional(),
        }),
      )
      .optional(),
    allowed: z
      .array(z.string())
      .optional()
      .openapi({ description: "On a refused lifecycle move: the states the station may move to next" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

export const problemResponses = {
  400: {
    description: "Invalid input: `errors` names each field and its problem",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
  404: {
    description: "Not found",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
} as const;

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

// ---------------------------------------------------------------- writes

const technologies = z
  .array(z.enum(TECHS, { error: `must be one of: ${TECHS.join(", ")}` }))
  .min(1, "must name at least one technology")
  .refine((list) => new Set(list).size === list.length, "must not repeat a technology");

const stationInsert = createInsertSchema(stations, {
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
  site_code: (s) => s.trim().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  name: (s) => s.trim().max(200, "must be at most 200 characters"),
  lat: (s) => s.min(-90, "must be within ±90").max(90, "must be within ±90"),
  lon: (s) => s.min(-180, "must be within ±180").max(180, "must be within ±180"),
  technologies: () => technologies,
  antenna_height_m: (s) => s.min(0, "must be 0–300 m").max(300, "must be 0–300 m"),
  planned_on_air_date: () => z.iso.date("a date as YYYY-MM-DD"),
});

export const StationCreateSchema = stationInsert
  .pick({
    operator_id: true,
    site_code: true,
    name: true,
    lat: true,
    lon: true,
    technologies: true,
    antenna_height_m: true,
    planned_on_air_date: true,
  })
  .strict()
  .openapi("StationCreate");

export const StationPatchSchema = stationInsert
  .pick({
    status: true,
    lat: true,
    lon: true,
    technologies: true,
    antenna_height_m: true,
    planned_on_air_date: true,
    name: true,
  })
  .partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "must change at least one field")
  .openapi("StationPatch");

export const VillageChangeSchema = createSelectSchema(village_events)
  .pick({ from_state: true, to_state: true, from_best_tech: true, to_best_tech: true })
  .extend({ code: z.string() })
  .openapi("VillageChange");

export const StationWriteResultSchema = StationSchema.extend({
  coverage_changes: z.array(VillageChangeSchema).openapi({
    description: "Villages whose coverage state or best technology changed with this write",
  }),
}).openapi("StationWriteResult");

export const ApiTokenSchema = createSelectSchema(api_tokens).omit({ token_hash: true }).openapi("ApiToken");

export const TokenCreateSchema = createInsertSchema(api_tokens, {
  label: (s) => s.trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
})
  .pick({ role: true, operator_id: true, label: true })
  .strict()
  .superRefine((t, ctx) => {
    if (t.role === "operator" && !t.operator_id) {
      ctx.addIssue({ code: "custom", path: ["operator_id"], message: "is required for an operator token" });
    }
    if (t.role === "admin" && t.operator_id) {
      ctx.addIssue({ code: "custom", path: ["operator_id"], message: "must be absent for an admin token" });
    }
  })
  .openapi("TokenCreate");

export const TokenCreatedSchema = ApiTokenSchema.extend({
  token: z.string().nullable().openapi({
    description:
      "The secret, shown this once and stored only as a hash. null in an idempotent replay: the secret is never stored, so a lost response means revoking this token and creating another.",
  }),
}).openapi("TokenCreated");

export const MeSchema = ApiTokenSchema.pick({ role: true, operator_id: true, label: true })
  .extend({ token_id: ApiTokenSchema.shape.id })
  .openapi("Me");

export const AuditEntrySchema = createSelectSchema(audit_log, {
  before: () => z.unknown().openapi({ description: "The entity before the change (null for a creation)" }),
  after: () => z.unknown().openapi({ description: "The entity after the change" }),
}).openapi("AuditEntry");

const range = (tech: string) =>
  z
    .number({ error: "must be a number of kilometres" })
    .min(0.1, "must be 0.1–50 km")
    .max(50, "must be 0.1–50 km")
    .openapi({ description: `Nominal ${tech.toUpperCase()} radius in km` });

export const CoverageConfigSchema = z
  .object({
    ranges_km: z.object({ "2g": range("2g"), "3g": range("3g"), "4g": range("4g"), "5g": range("5g") }).strict(),
    good_fraction: z
      .number({ error: "must be a number" })
      .min(0, "must be 0–1")
      .max(1, "must be 0–1")
      .openapi({ description: "Within this fraction of the radius the signal counts as good, beyond it weak" }),
  })
  .strict()
  .openapi("CoverageConfig");

export const RecomputeResultSchema = z
  .object({
    dry_run: z.boolean(),
    villages_considered: z.number().int(),
    stations_considered: z.number().int(),
    changes_count: z.number().int(),
    changes: z.array(VillageChangeSchema),
  })
  .openapi("RecomputeResult");

// A phone's clock a little ahead of ours is not a reading from the future.
const CLOCK_SKEW_MS = 5 * 60_000;

// What one reading of the signal says, as field teams (POST /measurements) and
// the department's surveys (POST /surveys) send it.
export const ReadingFieldsSchema = createInsertSchema(measurements, {
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
  measured_at: () =>
    z.iso
      .datetime({ offset: true, error: "must be an ISO 8601 date-time such as 2025-03-14T09:30:00+07:00" })
      .refine((v) => Date.parse(v) <= Date.now() + CLOCK_SKEW_MS, "must not be in the future"),
  signal_dbm: (s) => s.min(-150, "must be between -150 and -20 dBm").max(-20, "must be between -150 and -20 dBm"),
  device_note: (s) => s.max(500, "must be at most 500 characters"),
  lat: () => latitude,
  lon: () => longitude,
}).pick({
  lat: true,
  lon: true,
  operator_id: true,
  tech: true,
  level: true,
  signal_dbm: true,
  measured_at: true,
  device_note: true,
});
