import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { cellOf } from "./grid.ts";

// Column names are snake_case in TypeScript as well as in SQL: the public API
// speaks snake_case JSON and its schemas are derived from these tables, so one
// spelling runs from the database to the browser.

export const UNIT_LEVELS = ["province", "district", "commune"] as const;
// An administrative generation: the units before the 2025 reform, and after it.
// Codes were reused across the reform (00691 was Phường Trần Phú and is now
// Phường Hà Giang 2), so a code is only unique within its era.
export const ERAS = ["pre2025", "2025"] as const;
export const TECHS = ["2g", "3g", "4g", "5g"] as const;
export const COVERAGE_LEVELS = ["good", "weak", "none", "unknown"] as const;
export const COVERAGE_SOURCES = ["computed", "survey", "report"] as const;
export const STATION_STATUSES = ["planned", "permitted", "building", "on_air", "outage", "decommissioned"] as const;
export const BLOCKER_KINDS = ["no_grid_power", "terrain", "few_households", "funding", "land_permit", "other"] as const;
export const COMMITMENT_STATUSES = ["open", "done", "cancelled"] as const;
export const ROLES = ["operator", "admin"] as const;
export const MEASUREMENT_SOURCES = ["survey", "field", "public"] as const;
export const CHALLENGE_STATUSES = ["open", "upheld", "rejected"] as const;

export type Era = (typeof ERAS)[number];
export type Tech = (typeof TECHS)[number];
export type CoverageLevel = (typeof COVERAGE_LEVELS)[number];
export type CoverageSource = (typeof COVERAGE_SOURCES)[number];
export type StationStatus = (typeof STATION_STATUSES)[number];
export type BlockerKind = (typeof BLOCKER_KINDS)[number];
export type Role = (typeof ROLES)[number];
export type Blocker = { kind: BlockerKind; note?: string };
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

const timestamps = {
  created_at: text().notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  updated_at: text().notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
};

export const units = sqliteTable(
  "units",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    code: text().notNull(),
    era: text({ enum: ERAS }).notNull(),
    level: text({ enum: UNIT_LEVELS }).notNull(),
    name: text().notNull(),
    full_name: text().notNull(),
    name_en: text(),
    name_normalized: text().notNull(),
    unit_type: text(),
    parent_code: text(),
    valid_from: text(),
    valid_to: text(),
    area_km2: real(),
    centroid_lat: real(),
    centroid_lon: real(),
  },
  (t) => [uniqueIndex("units_code_era").on(t.code, t.era), index("units_parent").on(t.parent_code, t.era)],
);

export const unit_successions = sqliteTable(
  "unit_successions",
  {
    old_code: text().notNull(),
    new_code: text().notNull(),
    merge_type: text({ enum: ["full", "partial"] }).notNull(),
    effective_date: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.old_code, t.new_code] }), index("unit_successions_new").on(t.new_code)],
);

export const operators = sqliteTable("operators", {
  id: text().primaryKey(),
  name: text().notNull(),
  legal_name: text(),
  mcc_mnc: text(),
  color: text().notNull(),
});

export const villages = sqliteTable(
  "villages",
  {
    code: text().primaryKey(),
    name: text().notNull(),
    name_normalized: text().notNull(),
    province_code: text().notNull(),
    commune_code: text().notNull(),
    old_province_code: text(),
    old_district_code: text(),
    old_commune_code: text(),
    lat: real(),
    lon: real(),
    households: integer(),
    population: integer(),
    synthetic: integer({ mode: "boolean" }).notNull().default(false),
    // Denormalised from `coverage` by the coverage engine so that progress and
    // map reads are single indexed scans rather than joins over every claim.
    coverage_state: text({ enum: COVERAGE_LEVELS }).notNull().default("unknown"),
    best_tech: text({ enum: TECHS }),
    coverage_changed_at: text(),
    // The latest field or survey measurement of signal at the village that no
    // later survey contradicts (worker/domain/evidence.ts), kept by every write
    // of a measurement or a survey claim in the same batch. Verified or not is
    // this date against today, so it is read, never stored.
    evidence_at: text(),
    version: integer().notNull().default(1),
    ...timestamps,
  },
  (t) => [
    index("villages_commune").on(t.commune_code, t.coverage_state),
    index("villages_old_commune").on(t.old_commune_code, t.coverage_state),
    index("villages_old_district").on(t.old_district_code, t.coverage_state),
    index("villages_province").on(t.province_code, t.coverage_state),
    index("villages_old_province").on(t.old_province_code, t.coverage_state),
    index("villages_state").on(t.coverage_state),
    index("villages_latlon").on(t.lat, t.lon),
    // The grid cell (schema/grid.ts) first, then everything a map viewport and
    // the coverage engine read, so both are answered from the index alone.
    index("villages_cell").on(cellOf(t.lat, t.lon), t.lat, t.lon, t.code, t.coverage_state, t.best_tech, t.evidence_at),
    index("villages_name").on(t.name_normalized),
    index("villages_evidence").on(t.coverage_state, t.evidence_at),
  ],
);

export const stations = sqliteTable(
  "stations",
  {
    id: text().primaryKey(),
    operator_id: text()
      .notNull()
      .references(() => operators.id),
    site_code: text().notNull(),
    name: text(),
    lat: real().notNull(),
    lon: real().notNull(),
    technologies: text({ mode: "json" }).$type<Tech[]>().notNull(),
    antenna_height_m: real(),
    status: text({ enum: STATION_STATUSES }).notNull().default("planned"),
    planned_on_air_date: text(),
    planned_at: text(),
    permitted_at: text(),
    building_at: text(),
    on_air_at: text(),
    outage_at: text(),
    decommissioned_at: text(),
    // The unit columns are those of the nearest village, fixed when the station
    // is placed, so stations filter by unit with the same indexes as villages.
    province_code: text(),
    commune_code: text(),
    old_province_code: text(),
    old_district_code: text(),
    old_commune_code: text(),
    synthetic: integer({ mode: "boolean" }).notNull().default(false),
    version: integer().notNull().default(1),
    created_by: text(),
    updated_by: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("stations_operator_site").on(t.operator_id, t.site_code),
    index("stations_status").on(t.status),
    index("stations_latlon").on(t.lat, t.lon),
    // What the coverage engine reads of the stations on air around a place.
    index("stations_cell").on(t.status, cellOf(t.lat, t.lon), t.lat, t.lon, t.id, t.operator_id, t.technologies),
    index("stations_commune").on(t.commune_code),
    index("stations_old_commune").on(t.old_commune_code),
    index("stations_old_district").on(t.old_district_code),
  ],
);

// One claim per village × operator × technology × source. A survey claim and a
// computed claim live side by side so the explanation can show both and which
// one wins; absence of any claim is "unknown", never "no signal".
export const coverage = sqliteTable(
  "coverage",
  {
    village_code: text()
      .notNull()
      .references(() => villages.code, { onDelete: "cascade" }),
    operator_id: text()
      .notNull()
      .references(() => operators.id),
    tech: text({ enum: TECHS }).notNull(),
    source: text({ enum: COVERAGE_SOURCES }).notNull(),
    level: text({ enum: COVERAGE_LEVELS }).notNull(),
    // Set by the coverage engine from effectiveClaims(): exactly one claim per
    // village × operator × technology is effective, so reads need no ranking.
    effective: integer({ mode: "boolean" }).notNull(),
    station_id: text(),
    distance_m: integer(),
    measurement_id: integer(),
    verified_at: text().notNull(),
    updated_at: text().notNull(),
  },
  (t) => [
    primaryKey({
      columns: [t.village_code, t.operator_id, t.tech, t.source],
    }),
    index("coverage_station").on(t.station_id),
    // No index leads with operator and technology: progress reads them from
    // unit_claim_tallies, and without table statistics SQLite preferred such
    // an index to the primary key for one village's claims of an operator,
    // scanning every claim of that operator once per village (a filtered list
    // took minutes at national scale).
  ],
);

// What the coverage engine last wrote for each village, as a digest of its
// computed claims (engine.ts, claimsDigest): a full recompute compares fresh
// claims with it and reads back and rewrites only the villages that differ.
// Triggers (migration 0003_coverage_digest_triggers) drop a village's digest
// when anything writes its claims or its state, and the engine writes it
// again last in the same batch, so a digest never vouches for rows that
// changed behind the engine's back.
export const coverage_digests = sqliteTable("coverage_digests", {
  village_code: text()
    .primaryKey()
    .references(() => villages.code, { onDelete: "cascade" }),
  digest: text().notNull(),
});

// Running counts per unit (a province, district or commune of either era),
// kept by triggers (migration 0006_unit_tally_triggers) on every write to
// villages, coverage and stations: a progress read is a handful of rows
// however many villages the unit has, and no writer can forget to keep them.
// `best_*` count covered villages by their best technology.
export const unit_tallies = sqliteTable(
  "unit_tallies",
  {
    era: text({ enum: ERAS }).notNull(),
    code: text().notNull(),
    villages: integer().notNull(),
    good: integer().notNull(),
    weak: integer().notNull(),
    none: integer().notNull(),
    unknown: integer().notNull(),
    best_2g: integer().notNull(),
    best_3g: integer().notNull(),
    best_4g: integer().notNull(),
    best_5g: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.era, t.code] })],
);

// Villages of a unit with at least one effective good or weak claim of an
// operator (kind "operator") or of a technology (kind "tech").
export const unit_claim_tallies = sqliteTable(
  "unit_claim_tallies",
  {
    era: text({ enum: ERAS }).notNull(),
    code: text().notNull(),
    kind: text({ enum: ["operator", "tech"] }).notNull(),
    value: text().notNull(),
    villages: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.era, t.code, t.kind, t.value] })],
);

export const unit_station_tallies = sqliteTable(
  "unit_station_tallies",
  {
    era: text({ enum: ERAS }).notNull(),
    code: text().notNull(),
    operator_id: text().notNull(),
    status: text({ enum: STATION_STATUSES }).notNull(),
    stations: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.era, t.code, t.operator_id, t.status] })],
);

// One row whose version changes (to a random value) with every write to the
// tables public reads show (triggers of migration 0009_data_version_triggers): the public read
// cache (worker/middleware/cache.ts) serves a stored answer, or 304, only
// while the version it was computed at is still current.
export const data_version = sqliteTable("data_version", {
  id: integer().primaryKey(),
  version: integer().notNull(),
});

export const village_events = sqliteTable(
  "village_events",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    village_code: text().notNull(),
    at: text().notNull(),
    from_state: text({ enum: COVERAGE_LEVELS }),
    to_state: text({ enum: COVERAGE_LEVELS }).notNull(),
    from_best_tech: text({ enum: TECHS }),
    to_best_tech: text({ enum: TECHS }),
    cause: text().notNull(),
    station_id: text(),
    measurement_id: integer(),
    actor: text().notNull(),
  },
  (t) => [index("village_events_village").on(t.village_code, t.at)],
);

export const commitments = sqliteTable(
  "commitments",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    village_code: text()
      .notNull()
      .references(() => villages.code),
    operator_id: text()
      .notNull()
      .references(() => operators.id),
    target_date: text().notNull(),
    status: text({ enum: COMMITMENT_STATUSES }).notNull().default("open"),
    blockers: text({ mode: "json" }).$type<Blocker[]>().notNull().default([]),
    notes: text(),
    version: integer().notNull().default(1),
    created_by: text(),
    updated_by: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("commitments_village").on(t.village_code),
    index("commitments_operator").on(t.operator_id, t.target_date),
  ],
);

export const measurements = sqliteTable(
  "measurements",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    lat: real().notNull(),
    lon: real().notNull(),
    operator_id: text()
      .notNull()
      .references(() => operators.id),
    tech: text({ enum: TECHS }).notNull(),
    level: text({ enum: ["good", "weak", "none"] }).notNull(),
    signal_dbm: real(),
    measured_at: text().notNull(),
    source: text({ enum: MEASUREMENT_SOURCES }).notNull(),
    recorded_by: text().notNull(),
    device_note: text(),
    village_code: text(),
    distance_m: integer(),
    idempotency_key: text(),
    created_at: timestamps.created_at,
  },
  (t) => [
    index("measurements_village").on(t.village_code, t.measured_at),
    uniqueIndex("measurements_idempotency").on(t.idempotency_key),
  ],
);

// A village × operator × technology flagged for review because enough people
// recently reported no signal where a claim says there is. Its evidence is read
// from measurements (worker/data/challenges.ts), not copied here.
export const challenges = sqliteTable(
  "challenges",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    village_code: text()
      .notNull()
      .references(() => villages.code, { onDelete: "cascade" }),
    operator_id: text()
      .notNull()
      .references(() => operators.id),
    tech: text({ enum: TECHS }).notNull(),
    status: text({ enum: CHALLENGE_STATUSES }).notNull().default("open"),
    // Reports measured from this time on are the challenge's evidence.
    evidence_from: text().notNull(),
    opened_at: text().notNull(),
    opened_by_measurement_id: integer().notNull(),
    resolved_at: text(),
    resolved_by: text(),
    decision_note: text(),
    version: integer().notNull().default(1),
  },
  (t) => [
    index("challenges_status").on(t.status, t.operator_id),
    index("challenges_village").on(t.village_code, t.operator_id, t.tech, t.resolved_at),
    // At most one open challenge per claim: a further report joins it.
    uniqueIndex("challenges_open").on(t.village_code, t.operator_id, t.tech).where(sql`status = 'open'`),
  ],
);

// Fixed-window counters for unauthenticated writes (the public's
// measurements), keyed by a hash of the client address.
export const rate_limits = sqliteTable(
  "rate_limits",
  {
    key: text().notNull(),
    window_start: text().notNull(),
    count: integer().notNull(),
    expires_at: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.window_start] }), index("rate_limits_expiry").on(t.expires_at)],
);

// Append-only by convention of every write path: nothing updates or deletes
// rows here, and each entry is written in the same batch as the change.
export const audit_log = sqliteTable(
  "audit_log",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    at: text().notNull(),
    actor: text().notNull(),
    actor_role: text().notNull(),
    action: text().notNull(),
    entity_type: text().notNull(),
    entity_id: text().notNull(),
    before: text({ mode: "json" }),
    after: text({ mode: "json" }),
    request_id: text(),
  },
  (t) => [
    index("audit_entity").on(t.entity_type, t.entity_id, t.at),
    index("audit_actor").on(t.actor, t.at),
    index("audit_at").on(t.at),
  ],
);

export const progress_snapshots = sqliteTable(
  "progress_snapshots",
  {
    unit_code: text().notNull(),
    unit_era: text({ enum: ERAS }).notNull(),
    date: text().notNull(),
    villages_total: integer().notNull(),
    villages_covered: integer().notNull(),
    villages_uncovered: integer().notNull(),
    villages_unknown: integer().notNull(),
    coverage_pct: real(),
    stations_total: integer().notNull(),
    stations_on_air: integer().notNull(),
    created_at: timestamps.created_at,
  },
  (t) => [primaryKey({ columns: [t.unit_code, t.unit_era, t.date] })],
);

export const api_tokens = sqliteTable(
  "api_tokens",
  {
    id: text().primaryKey(),
    token_hash: text().notNull(),
    role: text({ enum: ROLES }).notNull(),
    operator_id: text().references(() => operators.id),
    label: text().notNull(),
    created_by: text().notNull(),
    created_at: timestamps.created_at,
    revoked_at: text(),
    last_used_at: text(),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.token_hash)],
);

// A retried write with the same key returns the stored response instead of
// applying the change twice.
export const idempotency_keys = sqliteTable(
  "idempotency_keys",
  {
    key: text().notNull(),
    actor: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    // SHA-256 of the request's body: the same key with another body is a
    // different request, refused rather than answered with the first one's
    // response. Null for keys stored before it was kept.
    request_hash: text(),
    status: integer().notNull(),
    body: text().notNull(),
    created_at: timestamps.created_at,
  },
  (t) => [primaryKey({ columns: [t.actor, t.key] })],
);

export const settings = sqliteTable("settings", {
  key: text().primaryKey(),
  value: text({ mode: "json" }).notNull(),
  updated_at: text().notNull(),
  updated_by: text().notNull(),
});
