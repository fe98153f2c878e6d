// Converts the raw Hà Giang files in data/hagiang/ into the JSON that
// demo/hagiang.ts imports. The generator runs inside workerd, where there is no
// file system and no CSV parser, and bundlers only import `.json`, so the
// conversion happens once here and its output is committed.
//
// Run: node demo/prepare-data.ts
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "..", "data", "hagiang");
const OUT = join(DATA, "derived");

// The raw CSVs contain no quotes, so every comma is a separator; refuse to
// guess if that ever changes.
function readCsv(path: string): Array<Record<string, string>> {
  const text = readFileSync(join(DATA, path), "utf8");
  if (text.includes('"')) throw new Error(`${path}: quoted CSV fields are not supported`);
  const [header, ...lines] = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (!header) throw new Error(`${path}: empty file`);
  const names = header.split(",");
  return lines.map((line, i) => {
    const cells = line.split(",");
    if (cells.length !== names.length) throw new Error(`${path}:${i + 2}: expected ${names.length} fields`);
    return Object.fromEntries(names.map((n, j) => [n, cells[j] ?? ""]));
  });
}

const orNull = (s: string | undefined) => (s === undefined || s === "" ? null : s);

function write(name: string, value: unknown): void {
  // One record per line keeps diffs of the committed output readable.
  const body = Array.isArray(value)
    ? `[\n${value.map((v) => JSON.stringify(v)).join(",\n")}\n]\n`
    : `${JSON.stringify(value)}\n`;
  writeFileSync(join(OUT, name), body);
  console.log(`wrote data/hagiang/derived/${name} (${body.length} bytes)`);
}

mkdirSync(OUT, { recursive: true });

write(
  "units_pre2025.json",
  readCsv("admin/hagiang_units_pre2025.csv").map((r) => ({
    level: r.level,
    code: r.code,
    name: r.name,
    full_name: r.full_name,
    name_en: orNull(r.name_en),
    parent_code: orNull(r.parent_code),
  })),
);

const centroids = new Map(readCsv("geo/hagiang_area_communes_2025_centroids.csv").map((r) => [r.code, r]));
write(
  "units_2025.json",
  readCsv("admin/tuyenquang_units_2025.csv").map((r) => {
    const c = centroids.get(r.code);
    return {
      code: r.code,
      name: r.name,
      full_name: r.full_name,
      name_en: orNull(r.name_en),
      unit_type: r.unit_type,
      area_km2: c ? Number(c.area_km2) : null,
      centroid_lat: c ? Number(c.centroid_lat) : null,
      centroid_lon: c ? Number(c.centroid_lon) : null,
    };
  }),
);

write(
  "successions_2025.json",
  readCsv("admin/hagiang_old_to_new_2025.csv").map((r) => ({
    old_code: r.old_code,
    old_district_code: r.old_district_code,
    new_code: r.new_code,
    merge_type: r.merge_type,
  })),
);

write(
  "operators_mcc452.json",
  readCsv("telecom/vn_operators_mcc452.csv").map((r) => ({
    mcc_mnc: `${r.mcc}-${r.mnc}`,
    brand: r.brand,
    operator: r.operator,
    status: r.status,
    notes: orNull(r.notes),
  })),
);

type Feature = { properties: { code: string }; geometry: { type: "MultiPolygon"; coordinates: number[][][][] } };
const geo = JSON.parse(readFileSync(join(DATA, "geo/hagiang_area_communes_2025_simplified.geojson"), "utf8")) as {
  features: Feature[];
};
write(
  "communes_2025_geometry.json",
  geo.features.map((f) => {
    if (f.geometry.type !== "MultiPolygon") throw new Error(`${f.properties.code}: not a MultiPolygon`);
    return { code: f.properties.code, type: f.geometry.type, coordinates: f.geometry.coordinates };
  }),
);
