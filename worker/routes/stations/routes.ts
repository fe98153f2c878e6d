import { createRoute, z } from "@hono/zod-openapi";
import {
  jsonContent,
  page,
  problemResponses,
  StationCreateSchema,
  StationPatchSchema,
  StationSchema,
  StationWriteResultSchema,
} from "../../api/schemas.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { pageQuery, stationFilterQuery } from "../params.ts";
import { writeProblems } from "../problems.ts";

export const listStations = createRoute({
  method: "get",
  path: "/stations",
  tags: ["Stations"],
  summary: "Base stations (BTS)",
  request: { query: stationFilterQuery.extend(pageQuery) },
  responses: { 200: jsonContent(page(StationSchema, "StationPage"), "A page of stations"), ...problemResponses },
});

const stationId = z.object({ id: z.string().min(1).max(64) });
const etagHeader = z.object({ ETag: z.string().openapi({ example: '"3"' }) });

export const getStation = createRoute({
  method: "get",
  path: "/stations/{id}",
  tags: ["Stations"],
  summary: "One station; its ETag is the version to send back in If-Match",
  request: { params: stationId },
  responses: {
    200: { ...jsonContent(StationSchema, "The station"), headers: etagHeader },
    ...problemResponses,
  },
});

const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .optional()
    .openapi({ description: "The ETag from GET /stations/{id}; required (428 without it)", example: '"3"' }),
  "idempotency-key": idempotencyHeader,
});

const stationWriters = [requireRole("operator", "admin"), idempotency];

export const createStation = createRoute({
  method: "post",
  path: "/stations",
  tags: ["Stations"],
  summary: "Register a planned station",
  description:
    "Operators register their own operator's stations, the department any. The station starts as `planned`; its unit columns are those of the nearest village. A second station with the same operator and site code is a 409.",
  security: [{ bearer: [] }],
  middleware: stationWriters,
  request: {
    headers: z.object({ "idempotency-key": idempotencyHeader }),
    body: { required: true, content: { "application/json": { schema: StationCreateSchema } } },
  },
  responses: {
    201: { ...jsonContent(StationSchema, "The new station"), headers: etagHeader },
    ...writeProblems(409, 422),
  },
});

export const updateStation = createRoute({
  method: "patch",
  path: "/stations/{id}",
  tags: ["Stations"],
  summary: "Change a station: status along the lifecycle, position, technologies, height, planned date, name",
  description:
    "Needs `If-Match` with the ETag from GET (428 without it, 412 when the station changed since). Status moves planned → permitted → building → on_air ⇄ outage, and anything → decommissioned; an illegal move is a 409 whose `allowed` lists the legal next states. A change of status, position or technologies recomputes the coverage of the villages within reach in the same transaction; `coverage_changes` lists the villages whose state changed.",
  security: [{ bearer: [] }],
  middleware: stationWriters,
  request: {
    params: stationId,
    headers: ifMatchHeaders,
    body: { required: true, content: { "application/json": { schema: StationPatchSchema } } },
  },
  responses: {
    200: { ...jsonContent(StationWriteResultSchema, "The updated station"), headers: etagHeader },
    ...writeProblems(404, 409, 412, 422, 428),
  },
});

export const retireStation = createRoute({
  method: "delete",
  path: "/stations/{id}",
  tags: ["Stations"],
  summary: "Retire a station (same as PATCH status decommissioned; the record stays)",
  security: [{ bearer: [] }],
  middleware: stationWriters,
  request: { params: stationId, headers: ifMatchHeaders },
  responses: {
    200: { ...jsonContent(StationWriteResultSchema, "The retired station"), headers: etagHeader },
    ...writeProblems(404, 409, 412, 428),
  },
});
