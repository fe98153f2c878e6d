import type { RouteHandler } from "@hono/zod-openapi";
import { allStations } from "../../data/stations.ts";
import { resolveUnit } from "../../data/units.ts";
import { allVillages } from "../../data/villages.ts";
import { todayIn } from "../../domain/commitments.ts";
import { csvChunk, feature, flatten, streamRows } from "../../domain/export.ts";
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

export const villagesGeojsonHandler: RouteHandler<typeof villagesGeojson, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const rows = allVillages(db, filters, unit, todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh"));
  return download(
    streamRows(
      rows,
      (v, i) => `${i > 0 ? ",\n" : ""}${JSON.stringify(feature(v, v.code))}`,
      GEOJSON_HEAD,
      GEOJSON_TAIL,
    ),
    "application/geo+json; charset=utf-8",
    "villages.geojson",
  );
};

export const villagesCsvHandler: RouteHandler<typeof villagesCsv, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  const rows = allVillages(db, filters, unit, todayIn(c.env.APP_TIMEZONE ?? "Asia/Ho_Chi_Minh"));
  return download(
    streamRows(csvLines(rows), (line) => line, BOM, ""),
    "text/csv; charset=utf-8",
    "villages.csv",
  );
};

export const stationsGeojsonHandler: RouteHandler<typeof stationsGeojson, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  return download(
    streamRows(
      allStations(db, filters, unit),
      (s, i) => `${i > 0 ? ",\n" : ""}${JSON.stringify(feature(s, s.id))}`,
      GEOJSON_HEAD,
      GEOJSON_TAIL,
    ),
    "application/geo+json; charset=utf-8",
    "stations.geojson",
  );
};

export const stationsCsvHandler: RouteHandler<typeof stationsCsv, AppEnv> = async (c) => {
  const filters = c.req.valid("query");
  const db = c.get("db");
  const unit = filters.unit ? await resolveUnit(db, filters.unit, filters.as_of) : undefined;
  return download(
    streamRows(csvLines(allStations(db, filters, unit)), (line) => line, BOM, ""),
    "text/csv; charset=utf-8",
    "stations.csv",
  );
};
