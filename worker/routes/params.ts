import { z } from "@hono/zod-openapi";
import { COVERAGE_LEVELS, STATION_STATUSES, TECHS } from "../../schema/tables.ts";
import { escapeLike } from "../data/units.ts";
import { EVIDENCE_STATES, EVIDENCE_WINDOW_DAYS } from "../domain/evidence.ts";
import type { BBox } from "../domain/geo.ts";
import { normalizeName } from "../domain/text.ts";

export const MAX_PAGE_SIZE = 1000;
// A bbox is a map viewport. All of Vietnam, islands included, fits in 16° ×
// 18°; a wider box is a client bug (degrees in the wrong unit, a world view)
// that would ask the spatial filter for everything.
export const MAX_BBOX_DEGREES = 20;

const unit = z
  .string()
  .regex(/^\d{2}(\d{1})?(\d{2})?$/, "an official unit code: 2 digits (province), 3 (district) or 5 (commune)")
  .optional()
  .openapi({ description: "Official unit code (province 2 digits, district 3, commune 5)", example: "02" });

const asOf = z.iso.date("a date as YYYY-MM-DD").optional().openapi({
  description: "Picks the unit valid on this date when a code was reused across the 2025 reform (default: today)",
  example: "2025-01-01",
});

const bbox = z
  .string()
  .optional()
  .transform((value, ctx): BBox | undefined => {
    if (value === undefined) return undefined;
    const parts = value.split(",").map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
    if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
      ctx.addIssue({ code: "custom", message: "must be four numbers: minLon,minLat,maxLon,maxLat" });
      return z.NEVER;
    }
    const [minLon, minLat, maxLon, maxLat] = parts as [number, number, number, number];
    if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
      ctx.addIssue({ code: "custom", message: "longitudes must be within ±180 and latitudes within ±90" });
      return z.NEVER;
    }
    if (minLon > maxLon || minLat > maxLat) {
      ctx.addIssue({ code: "custom", message: "min must not exceed max (order is minLon,minLat,maxLon,maxLat)" });
      return z.NEVER;
    }
    if (maxLon - minLon > MAX_BBOX_DEGREES || maxLat - minLat > MAX_BBOX_DEGREES) {
      ctx.addIssue({ code: "custom", message: `must span at most ${MAX_BBOX_DEGREES}° in each direction` });
      return z.NEVER;
    }
    return { minLon, minLat, maxLon, maxLat };
  })
  .openapi({
    type: "string",
    description: `minLon,minLat,maxLon,maxLat (WGS84), at most ${MAX_BBOX_DEGREES}° each way`,
    example: "105.2,23.1,105.5,23.4",
  });

const limit = z.coerce
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
  .default(100)
  .openapi({ type: "integer", description: `Page size, 1–${MAX_PAGE_SIZE}`, example: 100 });

const cursor = z
  .string()
  .max(200)
  .optional()
  .openapi({ description: "Opaque cursor from `next_cursor` of the previous page" });

// D1 refuses a LIKE pattern over 50 bytes ("LIKE or GLOB pattern too
// complex"), and a search becomes one: '%', the text as the queries escape it,
// '%'. Villages and units match the normalised text, stations the lowercased
// one; the longer decides.
const LIKE_PATTERN_MAX_BYTES = 50;
const utf8 = new TextEncoder();
const patternBytes = (q: string) =>
  2 + Math.max(...[normalizeName(q), q.toLowerCase()].map((t) => utf8.encode(escapeLike(t)).length));

export const searchText = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine(
    (v) => patternBytes(v) <= LIKE_PATTERN_MAX_BYTES,
    "is too long to search for: at most 48 letters, fewer with diacritics or symbols",
  )
  .optional()
  .openapi({ description: "Search by name, with or without Vietnamese diacritics", example: "lung cu" });

const enumParam = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z
    .enum(values, { error: `must be one of: ${values.join(", ")}` })
    .optional()
    .openapi({ description });

const operator = z
  .string()
  .regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel, vinaphone, mobifone, vietnamobile")
  .optional()
  .openapi({ description: "Operator code", example: "viettel" });

export const commonFilters = {
  unit,
  as_of: asOf,
  operator,
  tech: enumParam(TECHS, "Technology"),
  q: searchText,
  bbox,
};

export const villageFilterQuery = z.object({
  ...commonFilters,
  coverage: enumParam(
    COVERAGE_LEVELS,
    "Coverage state; with operator and/or tech, the best level of that operator/technology",
  ),
  evidence: enumParam(EVIDENCE_STATES, "Evidence state: verified, unverified (covered on a claim alone) or none"),
  stale: z
    .enum(["true", "false"], { error: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true"))
    .openapi({
      type: "string",
      enum: ["true", "false"],
      description: `Only covered villages whose last verification is older than ${EVIDENCE_WINDOW_DAYS} days, or only the others`,
    }),
});

export const stationFilterQuery = z.object({
  ...commonFilters,
  status: enumParam(STATION_STATUSES, "Lifecycle status"),
});

export const pageQuery = { limit, cursor };

export type VillageFilters = z.infer<typeof villageFilterQuery>;
export type StationFilters = z.infer<typeof stationFilterQuery>;
