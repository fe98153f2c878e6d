import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import {
  IMPORT_MAX_ROWS,
  ImportTooLarge,
  parseCsv,
  parseGeoJson,
  validateStationFile,
  validateVillageFile,
} from "../../worker/domain/imports.ts";

const HEADER = "operator_id,site_code,name,lat,lon,technologies";

describe("parseCsv", () => {
  it("reads UTF-8 with a BOM and CRLF line ends", () => {
    const parsed = parseCsv(`\uFEFF${HEADER}\r\nviettel,HG-1,Lũng Cú,23.36,105.32,2g\r\n`);
    expect(parsed.columns).toEqual(["operator_id", "site_code", "name", "lat", "lon", "technologies"]);
    expect(parsed.rows).toEqual([
      { operator_id: "viettel", site_code: "HG-1", name: "Lũng Cú", lat: "23.36", lon: "105.32", technologies: "2g" },
    ]);
    expect(parsed.problems).toEqual([]);
  });

  it("keeps quoted commas, doubled quotes and line breaks inside fields", () => {
    const parsed = parseCsv(`${HEADER}\n"viettel","HG-2","Trạm ""Đỉnh"", Mèo Vạc\ndòng 2",23.1,105.4,"2g,4g"\n`);
    expect(parsed.rows[0]).toMatchObject({ name: 'Trạm "Đỉnh", Mèo Vạc\ndòng 2', technologies: "2g,4g" });
  });

  it("accepts semicolon-separated files, header case and spaces, and skips blank lines", () => {
    const parsed = parseCsv(" Operator_ID ;SITE_CODE;Lat;Lon;Technologies\n\nvinaphone;X-1;22,9;104,8;4g\n;;;;\n");
    expect(parsed.columns).toEqual(["operator_id", "site_code", "lat", "lon", "technologies"]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.rows[0]).toMatchObject({ operator_id: "vinaphone", lat: "22,9" });
  });

  it("reports rows with a wrong number of fields", () => {
    const parsed = parseCsv(`${HEADER}\nviettel,A,B,23,105,2g\nviettel,A2,B,23\n`);
    expect(parsed.problems).toEqual([expect.objectContaining({ row: 2, field: "(row)" })]);
  });

  it("refuses more rows than allowed", () => {
    const text = `${HEADER}\n${"viettel,A,,23,105,2g\n".repeat(IMPORT_MAX_ROWS + 1)}`;
    expect(() => parseCsv(text)).toThrow(ImportTooLarge);
  });

  it("round-trips any cell text a spreadsheet can write", () => {
    const cell = fc.string({
      unit: fc.constantFrom("a", "ă", "đ", "Ư", "ợ", ",", ";", '"', "\n", "\r\n", " ", "1", "|"),
    });
    fc.assert(
      fc.property(fc.array(fc.record({ name: cell, site_code: cell }), { minLength: 1, maxLength: 5 }), (rows) => {
        const named = rows.map((r, i) => ({ id: String(i), ...r }));
        const text = Papa.unparse(named, { newline: "\r\n", quotes: true });
        expect(parseCsv(text).rows).toEqual(named);
      }),
    );
  });
});

describe("parseGeoJson", () => {
  it("reads Points as rows with lat and lon from the coordinates", () => {
    const parsed = parseGeoJson(
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            geometry: { type: "Point", coordinates: [105.3, 23.2] },
            properties: { Code: "V1", lat: 1 },
          },
        ],
      }),
    );
    expect(parsed.rows).toEqual([{ code: "V1", lat: 23.2, lon: 105.3 }]);
    expect(parsed.problems).toEqual([]);
  });

  it("names non-point features by their number and rejects what is not a FeatureCollection", () => {
    const parsed = parseGeoJson(
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          { type: "Feature", geometry: { type: "Point", coordinates: [105.3, 23.2] }, properties: {} },
          { type: "Feature", geometry: null, properties: {} },
        ],
      }),
    );
    expect(parsed.problems).toEqual([expect.objectContaining({ row: 2, field: "geometry" })]);
    expect(parseGeoJson("{").problems[0]?.problem).toMatch(/not valid JSON/);
    expect(parseGeoJson('{"type":"Feature"}').problems[0]?.problem).toMatch(/FeatureCollection/);
  });
});

describe("validateStationFile", () => {
  const validate = (lines: string[]) => validateStationFile(parseCsv([HEADER, ...lines].join("\n")));

  it("turns cells into typed rows, technologies in one order", () => {
    const { rows, problems } = validate([
      "viettel,A,,23.2,105.3,4G|2g",
      "viettel,B,Trạm B,23.2,105.3,3g 2g",
      "viettel,C,,23.2,105.3,5g;4g",
    ]);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.technologies)).toEqual([
      ["2g", "4g"],
      ["2g", "3g"],
      ["4g", "5g"],
    ]);
    expect(rows[0]).toEqual({
      operator_id: "viettel",
      site_code: "A",
      lat: 23.2,
      lon: 105.3,
      technologies: ["2g", "4g"],
    });
    expect(rows[1]?.name).toBe("Trạm B");
  });

  it("names each bad row and field", () => {
    const { problems } = validate([
      "viettel,A,,23.2,105.3,2g",
      "Viettel,B,,23.2,105.3,2g",
      "viettel,C,,105.3,23.2,2g",
      "viettel,D,,23.2,105.3,",
      "viettel,A,,23.2,105.3,4g",
      "viettel,E,,23;2,105.3,2g",
    ]);
    expect(problems.map((p) => `${p.row}:${p.field}`)).toEqual([
      "2:operator_id",
      "3:lat",
      "3:lon",
      "4:technologies",
      "5:site_code",
      "6:lat",
    ]);
    expect(problems.find((p) => p.row === 5)?.problem).toMatch(/repeats row 1/);
    expect(problems.find((p) => p.row === 3)?.problem).toMatch(/Vietnam/);
  });

  it("checks the header for required columns and the file for rows", () => {
    expect(validateStationFile(parseCsv("operator_id,site_code,lat\nviettel,A,23")).problems).toEqual([
      expect.objectContaining({ field: "lon", problem: expect.stringMatching(/required column/) }),
      expect.objectContaining({ field: "technologies" }),
    ]);
    expect(validateStationFile(parseCsv(`${HEADER}\n`)).problems).toEqual([
      expect.objectContaining({ field: "(file)", problem: "has no data rows" }),
    ]);
  });
});

describe("validateVillageFile", () => {
  it("wants lat and lon together and whole numbers of people", () => {
    const { problems, rows } = validateVillageFile(
      parseCsv(
        [
          "code,name,commune_code,lat,lon,households,population",
          "V-1,Thôn Một,00691,22.8,104.9,40,180",
          "V-2,Thôn Hai,00691,22.8,,,",
          "V-3,Thôn Ba,691,,,12.5,-1",
        ].join("\n"),
      ),
    );
    expect(rows).toEqual([
      { code: "V-1", name: "Thôn Một", commune_code: "00691", lat: 22.8, lon: 104.9, households: 40, population: 180 },
    ]);
    expect(problems.map((p) => `${p.row}:${p.field}`)).toEqual([
      "2:lon",
      "3:commune_code",
      "3:households",
      "3:population",
    ]);
  });
});
