import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { jsonContent, ProblemSchema } from "../../api/schemas.ts";
import { IMPORT_COLUMNS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, type ImportKind } from "../../domain/imports.ts";
import { requireRole } from "../../middleware/auth.ts";
import { idempotency, idempotencyHeader } from "../../middleware/idempotency.ts";
import { writeProblems } from "../problems.ts";
import { tooLarge } from "./upload.ts";

export const ImportResultSchema = z
  .object({
    rows: z.number().int().openapi({ description: "Data rows (or features) in the file" }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z
      .number()
      .int()
      .openapi({ description: "Rows identical to what is stored; re-importing a file gives only these" }),
    coverage: z.object({
      villages_considered: z.number().int().openapi({ description: "Villages whose coverage was recomputed" }),
      villages_changed: z
        .number()
        .int()
        .openapi({ description: "Villages whose coverage state or best technology changed" }),
    }),
  })
  .openapi("ImportResult");

// The multipart envelope around a file of the maximum size.
const ENVELOPE_BYTES = 64 * 1024;

const uploadLimit = bodyLimit({
  maxSize: IMPORT_MAX_BYTES + ENVELOPE_BYTES,
  onError: () => {
    throw tooLarge(`The body exceeds ${IMPORT_MAX_BYTES / 1024 / 1024} MB; split the file (npm run import does).`);
  },
});

function fileBody(kind: ImportKind) {
  const { required, all } = IMPORT_COLUMNS[kind];
  const columns = `Columns: ${all.join(", ")} (required: ${required.join(", ")}).`;
  return {
    required: true,
    description: `${columns} At most ${IMPORT_MAX_ROWS} rows and ${IMPORT_MAX_BYTES / 1024 / 1024} MB. An empty cell leaves the stored value unchanged (null for a new row).`,
    content: {
      "text/csv": {
        schema: {
          type: "string" as const,
          description: "UTF-8 (with or without BOM), comma, semicolon or tab separated, a header row, CRLF or LF",
        },
      },
      "application/geo+json": {
        schema: {
          type: "object" as const,
          description:
            "A FeatureCollection of Points ([longitude, latitude]); each feature's properties hold the other columns. Rows are numbered by feature from 1. application/json is accepted too.",
        },
      },
      "multipart/form-data": {
        schema: {
          type: "object" as const,
          properties: { file: { type: "string" as const, format: "binary", description: "A .csv or .geojson file" } },
        },
      },
    },
  };
}

const tooLargeResponse = {
  413: {
    description: `More than ${IMPORT_MAX_BYTES / 1024 / 1024} MB or ${IMPORT_MAX_ROWS} rows`,
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
  415: {
    description: "Neither CSV, GeoJSON nor a multipart file upload",
    content: { "application/problem+json": { schema: ProblemSchema } },
  },
};

const DESCRIPTION =
  "The whole file is validated first: any bad row rejects the file with `errors` naming each row (from 1, header excluded), field and problem, and nothing is written. A good file is written in one transaction with one audit entry per created or updated row, and coverage is recomputed around what changed. Rows identical to the stored ones are skipped, so importing the same file twice changes nothing the second time.";

export const importStations = createRoute({
  method: "post",
  path: "/import/stations",
  tags: ["Import"],
  summary: "Import stations from CSV or GeoJSON (upsert on operator and site code)",
  description: `${DESCRIPTION} An operator may import only its own operator's rows; the department any. \`technologies\` lists 2g/3g/4g/5g separated by | or spaces; a status change must follow the lifecycle.`,
  security: [{ bearer: [] }],
  middleware: [requireRole("operator", "admin"), idempotency, uploadLimit] as const,
  request: { headers: z.object({ "idempotency-key": idempotencyHeader }), body: fileBody("stations") },
  responses: {
    200: jsonContent(ImportResultSchema, "The file was imported"),
    ...writeProblems(409, 422),
    ...tooLargeResponse,
  },
});

export const importVillages = createRoute({
  method: "post",
  path: "/import/villages",
  tags: ["Import"],
  summary: "Import villages from CSV or GeoJSON (upsert on village code; department)",
  description: `${DESCRIPTION} \`commune_code\` is the 2025 commune and must exist; \`old_commune_code\`, the pre-2025 commune, must exist when given; the province and the old district and province follow from them.`,
  security: [{ bearer: [] }],
  middleware: [requireRole("admin"), idempotency, uploadLimit] as const,
  request: { headers: z.object({ "idempotency-key": idempotencyHeader }), body: fileBody("villages") },
  responses: {
    200: jsonContent(ImportResultSchema, "The file was imported"),
    ...writeProblems(409),
    ...tooLargeResponse,
  },
});
