import { createSchemaFactory } from "drizzle-zod";
import Papa from "papaparse";
import { z } from "zod";
import { stations, TECHS, type Tech, villages } from "../../schema/tables.ts";

// Parsing and row validation of import files, shared by the API and the local
// CLI (scripts/import.ts), which checks a whole file before sending any of it.
// Nothing here touches the database: checks that need it (known operators and
// unit codes, lifecycle moves) happen in worker/data/imports.ts.

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
// A file with thousands of bad rows is usually one systematic mistake; the
// first problems show it and keep the response readable.
export const MAX_REPORTED_PROBLEMS = 100;

export type ImportKind = "stations" | "villages";
export type ImportFormat = "csv" | "geojson";
export type RawRow = Record<string, unknown>;
export type RowProblem = { row?: number; field: string; problem: string };

// Everything this tracker records lies in Vietnam (islands included); a point
// outside is almost always a blank, swapped or mistyped coordinate.
export const VIETNAM_BOUNDS = { minLat: 8, maxLat: 24, minLon: 102, maxLon: 118 } as const;

export const latitude = z
  .number({ error: "must be a number (decimal degrees, dot as decimal separator)" })
  .min(VIETNAM_BOUNDS.minLat, `must lie in Vietnam: latitude ${VIETNAM_BOUNDS.minLat}–${VIETNAM_BOUNDS.maxLat}`)
  .max(VIETNAM_BOUNDS.maxLat, `must lie in Vietnam: latitude ${VIETNAM_BOUNDS.minLat}–${VIETNAM_BOUNDS.maxLat}`);
export const longitude = z
  .number({ error: "must be a number (decimal degrees, dot as decimal separator)" })
  .min(VIETNAM_BOUNDS.minLon, `must lie in Vietnam: longitude ${VIETNAM_BOUNDS.minLon}–${VIETNAM_BOUNDS.maxLon}`)
  .max(VIETNAM_BOUNDS.maxLon, `must lie in Vietnam: longitude ${VIETNAM_BOUNDS.minLon}–${VIETNAM_BOUNDS.maxLon}`);

// Spreadsheet cells arrive as text; GeoJSON properties may already be numbers.
const { createInsertSchema } = createSchemaFactory({ coerce: { number: true } });
const NUMBER = { error: "must be a number (dot as decimal separator)" };
const fileLatitude = z.coerce.number(NUMBER).pipe(latitude);
const fileLongitude = z.coerce.number(NUMBER).pipe(longitude);

const code = (what: string) =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/, `must be a ${what}: letters, digits, . _ / -, at most 40`);
const communeCode = z.string().regex(/^\d{5}$/, "must be a 5-digit official commune code");

const technologies = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .toLowerCase()
          .split(/[\s|,;/+]+/)
          .filter(Boolean)
      : value,
  z
    .array(z.enum(TECHS, { error: `each must be one of ${TECHS.join(", ")}` }))
    .min(1, `must name at least one of ${TECHS.join(", ")}, separated by | or spaces`)
    // One canonical order, so "4g|2g" and "2g 4g" are the same station.
    .transform((list): Tech[] => TECHS.filter((t) => list.includes(t))),
);

export const StationImportRow = createInsertSchema(stations, {
  operator_id: (s) => s.regex(/^[a-z0-9-]{2,32}$/, "must be an operator code such as viettel"),
  site_code: (s) => s.regex(/^\S(.{0,62}\S)?$/, "must be the operator's site code: 1–64 characters"),
  name: (s) => s.max(200, "must be at most 200 characters"),
  lat: () => fileLatitude,
  lon: () => fileLongitude,
  antenna_height_m: (s) => s.min(0, "must not be negative").max(300, "must be at most 300 m"),
  planned_on_air_date: () => z.iso.date("must be a date as YYYY-MM-DD"),
})
  .pick({
    operator_id: true,
    site_code: true,
    name: true,
    lat: true,
    lon: true,
    antenna_height_m: true,
    status: true,
    planned_on_air_date: true,
  })
  .extend({ technologies })
  .strip();
export type StationImportRow = z.infer<typeof StationImportRow>;

export const VillageImportRow = createInsertSchema(villages, {
  code: () => code("village code"),
  name: (s) => s.min(1, "must not be empty").max(200, "must be at most 200 characters"),
  commune_code: () => communeCode,
  old_commune_code: () => communeCode,
  lat: () => fileLatitude,
  lon: () => fileLongitude,
  households: (s) => s.int("must be a whole number").min(0, "must not be negative"),
  population: (s) => s.int("must be a whole number").min(0, "must not be negative"),
})
  .pick({
    code: true,
    name: true,
    commune_code: true,
    old_commune_code: true,
    lat: true,
    lon: true,
    households: true,
    population: true,
  })
  .strip()
  .refine((v) => (v.lat === undefined) === (v.lon === undefined), {
    message: "lat and lon go together: give both or neither",
    path: ["lon"],
  });
export type VillageImportRow = z.infer<typeof VillageImportRow>;

export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; all: string[] }> = {
  stations: {
    required: ["operator_id", "site_code", "lat", "lon", "technologies"],
    all: [
      "operator_id",
      "site_code",
      "name",
      "lat",
      "lon",
      "technologies",
      "antenna_height_m",
      "status",
      "planned_on_air_date",
    ],
  },
  villages: {
    required: ["code", "name", "commune_code"],
    all: ["code", "name", "commune_code", "old_commune_code", "lat", "lon", "households", "population"],
  },
};

export type ParsedFile = { rows: RawRow[]; columns: string[]; problems: RowProblem[] };

export class ImportTooLarge extends Error {}

function tooManyRows(count: number, max: number): never {
  throw new ImportTooLarge(`The file has ${count} rows; at most ${max} are accepted per request.`);
}

// What real spreadsheets export: UTF-8 with or without a byte-order mark, CRLF
// or LF line ends, quoted fields with commas or line breaks inside, and comma,
// semicolon or tab as the separator. Headers are matched without regard to
// case or surrounding spaces.
// `maxRows` is the API's limit per request; the CLI reads larger files and
// sends them in chunks.
export function parseCsv(text: string, maxRows = IMPORT_MAX_ROWS): ParsedFile {
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    delimitersToGuess: [",", ";", "\t"],
    transformHeader: (h) => h.trim().toLowerCase(),
  });
  if (result.data.length > maxRows) tooManyRows(result.data.length, maxRows);
  const problems: RowProblem[] = result.errors
    // A one-column file has no separator to detect; the missing columns say more.
    .filter((e) => e.code !== "UndetectableDelimiter")
    .map((e) => ({
      ...(e.row === undefined || e.row === null ? {} : { row: e.row + 1 }),
      field: "(row)",
      problem: e.message,
    }));
  return { rows: result.data, columns: result.meta.fields ?? [], problems };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// A FeatureCollection of Points: the coordinates give lon/lat, the properties
// the other columns. Rows are numbered by feature, from 1.
export function parseGeoJson(text: string, maxRows = IMPORT_MAX_ROWS): ParsedFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    return {
      rows: [],
      columns: [],
      problems: [{ field: "(file)", problem: `is not valid JSON: ${(err as Error).message}` }],
    };
  }
  if (!isObject(doc) || doc.type !== "FeatureCollection" || !Array.isArray(doc.features)) {
    return {
      rows: [],
      columns: [],
      problems: [{ field: "(file)", problem: "must be a GeoJSON FeatureCollection with a features array" }],
    };
  }
  if (doc.features.length > maxRows) tooManyRows(doc.features.length, maxRows);
  const rows: RawRow[] = [];
  const problems: RowProblem[] = [];
  const columns = new Set<string>();
  doc.features.forEach((feature: unknown, i) => {
    const row = i + 1;
    const geometry = isObject(feature) ? feature.geometry : undefined;
    const properties = isObject(feature) && isObject(feature.properties) ? feature.properties : {};
    const coordinates = isObject(geometry) ? geometry.coordinates : undefined;
    if (!isObject(geometry) || geometry.type !== "Point" || !Array.isArray(coordinates) || coordinates.length < 2) {
      problems.push({ row, field: "geometry", problem: "must be a Point with [longitude, latitude] coordinates" });
    }
    const [lon, lat] = Array.isArray(coordinates) ? coordinates : [];
    const flat: RawRow = {};
    for (const [key, value] of Object.entries(properties)) flat[key.trim().toLowerCase()] = value;
    Object.assign(flat, { lat, lon });
    for (const key of Object.keys(flat)) columns.add(key);
    rows.push(flat);
  });
  return { rows, columns: [...columns], problems };
}

export function parseImportText(text: string, format: ImportFormat, maxRows = IMPORT_MAX_ROWS): ParsedFile {
  return format === "csv" ? parseCsv(text, maxRows) : parseGeoJson(text, maxRows);
}

// An empty cell means "not given": null for a new row, and the stored value is
// kept when an existing row is updated.
function presentCells(raw: RawRow): RawRow {
  const out: RawRow = {};
  for (const [key, value] of Object.entries(raw)) {
    const v = typeof value === "string" ? value.trim() : value;
    if (v !== "" && v !== null && v !== undefined) out[key] = v;
  }
  return out;
}

export type ValidatedFile<T> = { rows: T[]; problems: RowProblem[] };

function validateWith<T>(
  parsed: ParsedFile,
  kind: ImportKind,
  schema: z.ZodType<T>,
  keyOf: (row: T) => string,
  describeKey: string,
): ValidatedFile<T> {
  const problems = [...parsed.problems];
  const missing = IMPORT_COLUMNS[kind].required.filter((c) => !parsed.columns.includes(c));
  for (const column of missing) {
    problems.push({ field: column, problem: `is a required column and is missing from the file` });
  }
  if (missing.length > 0) return { rows: [], problems };
  if (parsed.rows.length === 0) problems.push({ field: "(file)", problem: "has no data rows" });

  const rows: T[] = [];
  const firstRowOf = new Map<string, number>();
  parsed.rows.forEach((raw, i) => {
    const row = i + 1;
    const result = schema.safeParse(presentCells(raw));
    if (!result.success) {
      for (const issue of result.error.issues) {
        problems.push({ row, field: issue.path.length > 0 ? issue.path.join(".") : "(row)", problem: issue.message });
      }
      return;
    }
    const key = keyOf(result.data);
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      problems.push({ row, field: describeKey, problem: `repeats row ${first}: each ${describeKey} may appear once` });
      return;
    }
    firstRowOf.set(key, row);
    rows.push(result.data);
  });
  return { rows, problems };
}

export function validateStationFile(parsed: ParsedFile): ValidatedFile<StationImportRow> {
  return validateWith(parsed, "stations", StationImportRow, (r) => `${r.operator_id}\u0000${r.site_code}`, "site_code");
}

export function validateVillageFile(parsed: ParsedFile): ValidatedFile<VillageImportRow> {
  return validateWith(parsed, "villages", VillageImportRow, (r) => r.code, "code");
}
