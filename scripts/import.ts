// Imports a large CSV or GeoJSON file into a running Phủ Sóng server, in
// chunks, showing progress as it goes:
//
//   npm run import -- stations FILE.csv --token TOKEN [--url http://localhost:8787] [--chunk 2000]
//   npm run import -- villages FILE.geojson --token TOKEN
//
// The whole file is validated here first with the server's own parsing and
// schemas, so a bad row stops the import before anything is sent. Each chunk is
// then one atomic request; if a chunk fails on the server (an unknown operator
// or commune, an illegal status change), the chunks before it stay imported,
// and running the same command again after the fix skips them as unchanged.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parseArgs } from "node:util";
import Papa from "papaparse";
import {
  IMPORT_MAX_ROWS,
  type ImportFormat,
  type ImportKind,
  parseImportText,
  type RowProblem,
  validateStationFile,
  validateVillageFile,
} from "../worker/domain/imports.ts";

type Result = { rows: number; created: number; updated: number; unchanged: number };
type Problem = { title?: string; detail?: string; errors?: Array<{ row?: number; field: string; problem: string }> };

const USAGE =
  "usage: npm run import -- stations|villages FILE(.csv|.geojson|.json) --token TOKEN [--url http://localhost:8787] [--chunk 2000]";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    token: { type: "string", default: process.env.PHUSONG_TOKEN },
    url: { type: "string", default: "http://localhost:8787" },
    chunk: { type: "string", default: "2000" },
  },
});
const [kind, file] = positionals;
if ((kind !== "stations" && kind !== "villages") || !file) fail(USAGE);
if (!values.token) fail(`A token is needed (--token or PHUSONG_TOKEN).\n${USAGE}`);
const chunkSize = Number(values.chunk);
if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > IMPORT_MAX_ROWS) {
  fail(`--chunk must be a whole number from 1 to ${IMPORT_MAX_ROWS}`);
}
const format: ImportFormat | undefined = { ".csv": "csv", ".geojson": "geojson", ".json": "geojson" }[
  extname(file).toLowerCase()
] as ImportFormat | undefined;
if (!format) fail(`${file}: the name must end in .csv, .geojson or .json`);

let text: string;
try {
  text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(file));
} catch (err) {
  fail(
    err instanceof TypeError
      ? `${file} is not UTF-8 text: save it as "CSV UTF-8" (or GeoJSON)`
      : `${file}: ${(err as Error).message}`,
  );
}

const fmt = (n: number) => n.toLocaleString("en-US");

function printProblems(problems: Array<{ row?: number; field: string; problem: string }>, offset = 0) {
  for (const p of problems.slice(0, 50)) {
    const where = p.row === undefined ? "" : `row ${fmt(p.row + offset)}: `;
    console.error(`  ${where}${p.field} ${p.problem}`);
  }
  if (problems.length > 50) console.error(`  … and ${fmt(problems.length - 50)} more`);
}

const parsed = parseImportText(text, format, Number.POSITIVE_INFINITY);
const problems: RowProblem[] = (
  (kind as ImportKind) === "stations" ? validateStationFile(parsed) : validateVillageFile(parsed)
).problems;
if (problems.length > 0) {
  console.error(`${file}: ${fmt(problems.length)} problem(s); nothing was sent.`);
  printProblems(problems);
  process.exit(1);
}

// Each chunk is sent in the file's own format, with the rows exactly as read,
// so the server validates the same cells that were checked here.
const total = parsed.rows.length;
const features =
  format === "geojson" ? (JSON.parse(text.replace(/^\uFEFF/, "")) as { features: unknown[] }).features : [];
function chunkBody(start: number): { body: string; type: string } {
  if (format === "csv") {
    return {
      body: Papa.unparse(parsed.rows.slice(start, start + chunkSize), { columns: parsed.columns, newline: "\r\n" }),
      type: "text/csv; charset=utf-8",
    };
  }
  return {
    body: JSON.stringify({ type: "FeatureCollection", features: features.slice(start, start + chunkSize) }),
    type: "application/geo+json",
  };
}

// One key per chunk and run: a retry after a dropped connection cannot apply
// a chunk twice, while running the command again is a fresh import.
async function send(start: number): Promise<Response> {
  const { body, type } = chunkBody(start);
  const headers = {
    Authorization: `Bearer ${values.token}`,
    "Content-Type": type,
    "Idempotency-Key": `import-${crypto.randomUUID()}`,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(new URL(`/api/v1/import/${kind}`, values.url), { method: "POST", headers, body });
      if (res.status !== 503 || attempt === 3) return res;
    } catch (err) {
      if (attempt === 3)
        fail(`Cannot reach ${values.url}: ${(err as Error).message}. Is the server running (npm start)?`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

const totals = { created: 0, updated: 0, unchanged: 0 };
const started = performance.now();
console.error(`${kind}: ${fmt(total)} rows from ${file}, ${fmt(chunkSize)} per request, to ${values.url}`);
for (let start = 0; start < total; start += chunkSize) {
  const res = await send(start);
  const end = Math.min(start + chunkSize, total);
  if (!res.ok) {
    const problem = (await res.json().catch(() => ({}))) as Problem;
    console.error(
      `\nRows ${fmt(start + 1)}–${fmt(end)} were refused (${res.status} ${problem.title ?? res.statusText}):`,
    );
    console.error(`  ${problem.detail ?? ""}`);
    printProblems(problem.errors ?? [], start);
    console.error(
      start === 0
        ? "Nothing was imported."
        : `Rows 1–${fmt(start)} were imported; rows ${fmt(start + 1)}–${fmt(total)} were not. Fix the problem and run the same command again: rows already imported are skipped as unchanged.`,
    );
    process.exit(1);
  }
  const result = (await res.json()) as Result;
  totals.created += result.created;
  totals.updated += result.updated;
  totals.unchanged += result.unchanged;
  const seconds = (performance.now() - started) / 1000;
  console.error(
    `  ${fmt(end)}/${fmt(total)} rows (${((end / total) * 100).toFixed(1)}%) · ${fmt(Math.round(end / seconds))} rows/s · created ${fmt(totals.created)}, updated ${fmt(totals.updated)}, unchanged ${fmt(totals.unchanged)}`,
  );
}
console.log(
  `Imported ${fmt(total)} ${kind} rows: ${fmt(totals.created)} created, ${fmt(totals.updated)} updated, ${fmt(totals.unchanged)} unchanged.`,
);
