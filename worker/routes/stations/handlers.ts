import type { RouteHandler, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { stations } from "../../../schema/tables.ts";
import { decodeCursor, encodeCursor } from "../../api/cursor.ts";
import type { StationPatchSchema } from "../../api/schemas.ts";
import { auditInsert } from "../../data/audit.ts";
import { loadCoverageConfig, planAround } from "../../data/engine.ts";
import { assertOperatorExists } from "../../data/operators.ts";
import { nearestVillage, PLACEMENT_REACH_M } from "../../data/placement.ts";
import { getStation as getStationQuery, listStations as listStationsQuery, type Station } from "../../data/stations.ts";
import { resolveUnit } from "../../data/units.ts";
import { expectVersion, isStaleVersion, isUniqueViolation } from "../../data/version-guard.ts";
import { todayIn } from "../../domain/commitments.ts";
import { radiates, type StationForCoverage } from "../../domain/coverage.ts";
import { distanceMeters, type LatLon } from "../../domain/geo.ts";
import { assertChangeable, assertTransition, changedFields, sortTechs, stepDate } from "../../domain/lifecycle.ts";
import type { AppEnv, Db } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { actorName, assertActsFor, currentActor } from "../../middleware/auth.ts";
import { recordIdempotent } from "../../middleware/idempotency.ts";
import type { createStation, getStation, listStations, retireStation, updateStation } from "./routes.ts";

export const etagOf = (version: number) => `"${version}"`;

export const listStationsHandler: RouteHandler<typeof listStations, AppEnv> = async (c) => {
  const { limit, cursor, ...filters } = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const result = await listStationsQuery(db, filters, unit, { limit, after: decodeCursor(cursor) });
  return c.json({ ...result, next_cursor: result.next_cursor ? encodeCursor(result.next_cursor) : null }, 200);
};

export const getStationHandler: RouteHandler<typeof getStation, AppEnv> = async (c) => {
  const station = await getStationQuery(c.get("db"), c.req.valid("param").id);
  return c.json(station, 200, { ETag: etagOf(station.version) });
};

const outsideProvinces = (p: LatLon) =>
  new ApiError({
    status: 422,
    code: "outside-tracked-area",
    title: "No village nearby",
    detail: `No village lies within ${PLACEMENT_REACH_M / 1000} km of ${p.lat}, ${p.lon}: stations are placed in the tracked provinces. Check that lat and lon are not swapped.`,
  });

async function placementOf(db: Db, p: LatLon) {
  const units = await nearestVillage(db, p);
  if (!units) throw outsideProvinces(p);
  return units;
}

const duplicateSite = (operatorId: string, siteCode: string, existingId: string | undefined) =>
  new ApiError({
    status: 409,
    code: "duplicate-site",
    title: "Site code already registered",
    detail: `Operator '${operatorId}' already has a station with site code '${siteCode}'${existingId ? ` (${existingId})` : ""}; change that one instead.`,
    extra: existingId ? { station_id: existingId } : {},
  });

const timezone = (c: Context<AppEnv>) => c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh";

export const createStationHandler: RouteHandler<typeof createStation, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  const actor = currentActor(c);
  assertActsFor(actor, input.operator_id);
  const db = c.get("db");
  await assertOperatorExists(db, input.operator_id);
  const [existing] = await db
    .select({ id: stations.id })
    .from(stations)
    .where(and(eq(stations.operator_id, input.operator_id), eq(stations.site_code, input.site_code)));
  if (existing) throw duplicateSite(input.operator_id, input.site_code, existing.id);
  const units = await placementOf(db, input);

  const now = new Date();
  const at = now.toISOString();
  const who = actorName(actor);
  const station: Station = {
    id: `st-${crypto.randomUUID()}`,
    operator_id: input.operator_id,
    site_code: input.site_code,
    name: input.name ?? null,
    lat: input.lat,
    lon: input.lon,
    technologies: sortTechs(input.technologies),
    antenna_height_m: input.antenna_height_m ?? null,
    status: "planned",
    planned_on_air_date: input.planned_on_air_date ?? null,
    planned_at: todayIn(timezone(c), now),
    permitted_at: null,
    building_at: null,
    on_air_at: null,
    outage_at: null,
    decommissioned_at: null,
    ...units,
    synthetic: false,
    version: 1,
    created_by: who,
    updated_by: who,
    created_at: at,
    updated_at: at,
  };
  try {
    await db.batch([
      db.insert(stations).values(station),
      auditInsert(db, {
        at,
        actor: who,
        actor_role: actor.role,
        action: "create",
        entity_type: "station",
        entity_id: station.id,
        before: null,
        after: station,
        request_id: c.get("requestId"),
      }),
      ...recordIdempotent(c, 201, station),
    ]);
  } catch (err) {
    // Lost a race with another request registering the same site.
    if (isUniqueViolation(err, "stations.site_code"))
      throw duplicateSite(input.operator_id, input.site_code, undefined);
    throw err;
  }
  return c.json(station, 201, { ETag: etagOf(station.version), Location: `/api/v1/stations/${station.id}` });
};

// Proxies that compress responses weaken ETags (W/"3"); the version inside is
// still the one the client read, so the weak form matches too.
function assertIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === "") {
    throw new ApiError({
      status: 428,
      code: "precondition-required",
      title: "If-Match required",
      detail: `Send If-Match with the station's ETag (now ${etagOf(version)}, from GET /api/v1/stations/{id}) so that no one's change is silently overwritten.`,
    });
  }
  const tags = header.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (tags.includes(etagOf(version))) return;
  throw new ApiError({
    status: 412,
    code: "precondition-failed",
    title: "Station changed since it was read",
    detail: `If-Match ${header.trim()} does not match the station's current ETag ${etagOf(version)}: someone changed it since you read it. Nothing was changed; GET it again and reapply your change.`,
    extra: { current_etag: etagOf(version) },
  });
}

const forCoverage = (s: Station): StationForCoverage => ({
  id: s.id,
  operator_id: s.operator_id,
  lat: s.lat,
  lon: s.lon,
  technologies: s.technologies,
  status: s.status,
});

function describeChange(before: Station, after: Station): string {
  const parts: string[] = [];
  if (before.status !== after.status) parts.push(`${before.status} → ${after.status}`);
  if (before.lat !== after.lat || before.lon !== after.lon) {
    parts.push(`moved ${Math.round(distanceMeters(before, after))} m`);
  }
  if (before.technologies.join() !== after.technologies.join()) {
    parts.push(`technologies ${before.technologies.join(",")} → ${after.technologies.join(",")}`);
  }
  return `station ${after.site_code}: ${parts.join("; ")}`;
}

type StationPatch = z.infer<typeof StationPatchSchema>;

async function changeStation(c: Context<AppEnv>, id: string, patch: StationPatch, ifMatch: string | undefined) {
  const actor = currentActor(c);
  const db = c.get("db");
  // The ranges are read alongside the station, in the same wait, for the
  // changes that move coverage.
  const [before, config] = await Promise.all([getStationQuery(db, id), loadCoverageConfig(db)]);
  assertActsFor(actor, before.operator_id);
  assertIfMatch(ifMatch, before.version);

  const changes = changedFields(before, patch);
  if (Object.keys(changes).length === 0) {
    return { station: before, coverage_changes: [] };
  }
  assertChangeable(before.status);
  if (changes.status) assertTransition(before.status, changes.status);

  const now = new Date();
  const at = now.toISOString();
  const who = actorName(actor);
  const moved = changes.lat !== undefined || changes.lon !== undefined;
  const after: Station = {
    ...before,
    ...changes,
    ...(moved ? await placementOf(db, { lat: changes.lat ?? before.lat, lon: changes.lon ?? before.lon }) : {}),
    ...(changes.status ? stepDate(before, changes.status, todayIn(timezone(c), now)) : {}),
    version: before.version + 1,
    updated_by: who,
    updated_at: at,
  };

  // Planned, permitted and building stations radiate nothing, so changing one
  // of them cannot move any village's coverage.
  const affectsCoverage =
    (radiates(before.status) || radiates(after.status)) &&
    (changes.status !== undefined || moved || changes.technologies !== undefined);
  const plan = affectsCoverage
    ? await planAround(db, {
        centers: moved ? [before, after] : [after],
        changed: [forCoverage(after)],
        config,
        cause: { cause: describeChange(before, after), station_id: id, actor: who, at },
      })
    : { statements: [], changes: [] };

  const { id: _id, created_at: _c, created_by: _cb, ...columns } = after;
  try {
    await db.batch([
      expectVersion(db, stations, id, before.version),
      db
        .update(stations)
        .set(columns)
        .where(and(eq(stations.id, id), eq(stations.version, before.version))),
      auditInsert(db, {
        at,
        actor: who,
        actor_role: actor.role,
        action: after.status === "decommissioned" ? "retire" : "update",
        entity_type: "station",
        entity_id: id,
        before,
        after,
        request_id: c.get("requestId"),
      }),
      ...plan.statements,
      ...recordIdempotent(c, 200, { ...after, coverage_changes: plan.changes }),
    ]);
  } catch (err) {
    if (isStaleVersion(err)) {
      // Another writer committed between our read and our batch.
      assertIfMatch(ifMatch, (await getStationQuery(db, id)).version);
    }
    throw err;
  }
  return { station: after, coverage_changes: plan.changes };
}

export const updateStationHandler: RouteHandler<typeof updateStation, AppEnv> = async (c) => {
  const { station, coverage_changes } = await changeStation(
    c,
    c.req.valid("param").id,
    c.req.valid("json"),
    c.req.valid("header")["if-match"],
  );
  return c.json({ ...station, coverage_changes }, 200, { ETag: etagOf(station.version) });
};

export const retireStationHandler: RouteHandler<typeof retireStation, AppEnv> = async (c) => {
  const { station, coverage_changes } = await changeStation(
    c,
    c.req.valid("param").id,
    { status: "decommissioned" },
    c.req.valid("header")["if-match"],
  );
  return c.json({ ...station, coverage_changes }, 200, { ETag: etagOf(station.version) });
};
