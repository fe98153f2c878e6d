import type { Context } from "hono";
import {
  IMPORT_MAX_BYTES,
  type ImportFormat,
  ImportTooLarge,
  MAX_REPORTED_PROBLEMS,
  type ParsedFile,
  parseImportText,
  type RowProblem,
} from "../../domain/imports.ts";
import type { AppEnv } from "../../env.ts";
import { ApiError, invalidInput } from "../../errors.ts";

export const tooLarge = (detail: string) =>
  new ApiError({ status: 413, code: "payload-too-large", title: "File too large", detail });

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"];
const GEOJSON_TYPES = ["application/geo+json", "application/json"];

function formatOf(mediaType: string, fileName = ""): ImportFormat | undefined {
  const name = fileName.toLowerCase();
  if (CSV_TYPES.includes(mediaType) || name.endsWith(".csv")) return "csv";
  if (GEOJSON_TYPES.includes(mediaType) || name.endsWith(".geojson") || name.endsWith(".json")) return "geojson";
  return undefined;
}

const unsupported = (got: string) =>
  new ApiError({
    status: 415,
    code: "unsupported-media-type",
    title: "Unsupported file type",
    detail: `Send the file as text/csv, application/geo+json (or application/json), or as the field 'file' of a multipart/form-data upload; got ${got || "no Content-Type"}.`,
  });

// Spreadsheets on Windows often save in a legacy code page; decoding that as
// UTF-8 would silently garble Vietnamese names, so it is refused instead.
function decode(bytes: ArrayBuffer): string {
  if (bytes.byteLength > IMPORT_MAX_BYTES) {
    throw tooLarge(`The file has ${bytes.byteLength} bytes; at most ${IMPORT_MAX_BYTES} are accepted per request.`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidInput([
      {
        field: "(file)",
        location: "file",
        problem: "is not UTF-8 text: save it as 'CSV UTF-8' (or GeoJSON, which is UTF-8)",
      },
    ]);
  }
}

export async function readUpload(c: Context<AppEnv>): Promise<ParsedFile> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  let text: string;
  let format: ImportFormat | undefined;
  if (mediaType === "multipart/form-data") {
    const file = (await c.req.parseBody()).file;
    if (!(file instanceof File)) {
      throw invalidInput([
        { field: "file", location: "body", problem: "must be the uploaded file (a form field named file)" },
      ]);
    }
    format = formatOf(file.type.split(";")[0]?.trim().toLowerCase() ?? "", file.name);
    if (!format) throw unsupported(`a file '${file.name}' of type ${file.type || "unknown"}`);
    text = decode(await file.arrayBuffer());
  } else {
    format = formatOf(mediaType);
    if (!format) throw unsupported(mediaType);
    text = decode(await c.req.arrayBuffer());
  }
  try {
    return parseImportText(text, format);
  } catch (err) {
    if (err instanceof ImportTooLarge) throw tooLarge(err.message);
    throw err;
  }
}

export function fileProblems(problems: RowProblem[]): ApiError {
  const rows = new Set(problems.flatMap((p) => (p.row === undefined ? [] : [p.row])));
  const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
  const where = rows.size > 0 ? ` in ${rows.size} row${rows.size === 1 ? "" : "s"}` : "";
  const more = problems.length > shown.length ? `; the first ${shown.length} are listed` : "";
  return invalidInput(
    shown.map((p) => ({
      ...(p.row === undefined ? {} : { row: p.row }),
      field: p.field,
      location: "file",
      problem: p.problem,
    })),
    `The file has ${problems.length} problem${problems.length === 1 ? "" : "s"}${where}${more}. Nothing was written; fix them and send the whole file again.`,
  );
}
