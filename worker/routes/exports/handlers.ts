import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { allStations } from "../../data/stations.ts";
import { resolveUnit } from "../../data/units.ts";
import { allVillages } from "../../data/villages.ts";
import { todayIn } from "../../domain/commitments.ts";
import { csvChunk, feature, flatten, type Point, streamRows } from "../../domain/export.ts";
import type { AppEnv } from "../../env.ts";
import type { stationsCsv, stationsGeojson, villagesCsv, villagesGeojson } from "./routes.ts";

const GEOJSON_HEAD = '{"type":"FeatureCollection","features":[\n';
const GEOJSON_TAIL = "\n]}\n";
const BOM = "\uFEFF";

function download(body: ReadableStream, contentType: string, filename: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `inline; filename="${filename}"`,
    },
  });
}

async function* csvLines(rows: AsyncIterable<Record<string, unknown>>) {
  let columns: string[] | undefined;
  for await (const row of rows) {
    const flat = flatten(row);
    const first = columns === undefined;
    columns ??= Object.keys(flat);
    yield csvChunk([flat], columns, first);
  }
}

function geojsonDownload<T extends Point>(rows: AsyncIterable<T>, idOf: (row: T) => string, filename: string) {
  return download(
    streamRows(
      rows,
      (r, i) => `${i > 0 ? ",\n" : ""}${JSON.stringify(feature(r, idOf(r)))}`,
      GEOJSON_HEAD,
      GEOJSON_TAIL,
    ),
    "application/geo+json; charset=utf-8",
    filename,
  );
}

function csvDownload(rows: AsyncIterable<Record<string, unknown>>, filename: string) {
  return download(
    streamRows(csvLines(rows), (line) => line, BOM, ""),
    "text/csv; charset=utf-8",
    filename,
  );
}

// Every export takes the list's filters, the unit among them.
async function scope(c: Context<AppEnv>, filters: { unit?: string; as_of?: string }) {
  const db = c.get("db");
  return { db, unit: filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined };
}

const today = (c: Context<AppEnv>) => todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh");

export const villagesGeojsonHandler: RouteHandler<typeof villagesGeojson, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const { db, unit } = await scope(c, filters);
  return geojsonDownload(allVillages(db, filters, unit, today(c)), (v) => v.code, "villages.geojson");
};

export const villagesCsvHandler: RouteHandler<typeof villagesCsv, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const { db, unit } = await scope(c, filters);
  return csvDownload(allVillages(db, filters, unit, today(c)), "villages.csv");
};

export const stationsGeojsonHandler: RouteHandler<typeof stationsGeojson, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const { db, unit } = await scope(c, filters);
  return geojsonDownload(allStations(db, filters, unit), (s) => s.id, "stations.geojson");
};

export const stationsCsvHandler: RouteHandler<typeof stationsCsv, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const { db, unit } = await scope(c, filters);
  return csvDownload(allStations(db, filters, unit), "stations.csv");
};
