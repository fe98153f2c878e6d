import type { RouteConfig } from "@hono/zod-openapi";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ZodType } from "zod";
import {
  IMPORT_COLUMNS,
  ImportTooLarge,
  parseCsv,
  parseGeoJson,
  VIETNAM_BOUNDS,
  validateStationFile,
  validateVillageFile,
} from "../../worker/domain/imports.ts";
import { fromZodError } from "../../worker/errors.ts";
import { type Principals, principals, snapshot } from "./helpers/access.ts";
import { type Problem, request } from "./helpers/api.ts";
import { insertStations, insertVillages, recomputeAll, seedBase, stationRow, villageRow } from "./helpers/factories.ts";

// Whatever arrives, the API answers with a problem that names what was wrong,
// never with a 5xx, and a refused request writes nothing. The validators and
// parsers meet 10,000 generated inputs each here, directly; the same
// generators then go through HTTP a few hundred times per route, where every
// request costs a round trip through the worker and the database.

const DIRECT_RUNS = 10_000;
const HTTP_RUNS = 300;
// Guards against a runaway property, not a speed target.
const TIMEOUT_MS = 300_000;

// Every route, found the way the app finds them, so a new route is fuzzed
// without being listed here.
const routeModules = import.meta.glob<Record<string, unknown>>("../../worker/routes/*/routes.ts", { eager: true });
const ROUTES = Object.values(routeModules)
  .flatMap((m) => Object.values(m))
  .filter(
    (v): v is RouteConfig => typeof v === "object" && v !== null && "method" in v && "path" in v && "responses" in v,
  );

const querySchema = (r: RouteConfig) => r.request?.query as ZodType | undefined;
const jsonSchema = (r: RouteConfig) =>
  (r.request?.body?.content?.["application/json"] as { schema?: ZodType } | undefined)?.schema;
const shapeKeys = (schema: ZodType) => Object.keys((schema as unknown as { shape?: object }).shape ?? {});
const label = (r: RouteConfig) => `${r.method.toUpperCase()} ${r.path}`;

const QUERY_ROUTES = ROUTES.filter((r) => r.method === "get" && querySchema(r));
const BODY_ROUTES = ROUTES.filter((r) => jsonSchema(r));

// PapaParse reports every file with repeated headers on the console; the
// generators write thousands of them.
const warn = console.warn;
vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
  if (args[0] !== "Duplicate headers found and renamed.") warn(...args);
});

// ------------------------------------------------------------- generators

const HUGE = "ư".repeat(70_000);
const ODD_TEXT = [
  "",
  " ",
  "\u0000",
  "\uFEFF",
  "\u202Eliated",
  "A\u0301",
  "\uD800",
  "Ｖiettel",
  "viettel\n",
  "ＶＩＥＴＴＥＬ",
  "2g",
  "4G",
  "6g",
  "planned",
  "on_air",
  "2025-02-30",
  "2025-13-01",
  "0000-00-00",
  "9999-12-31",
  "2025-03-14T09:30:00+07:00",
  "NaN",
  "Infinity",
  "-0",
  "1e999",
  "0x1F",
  "23,1",
  "105.3,23.1",
  "105.2,23.1,105.5,23.4",
  "23.1,105.2,23.4,105.5",
  "-180,-90,180,90",
  "1,2,3",
  "a,b,c,d",
  "__proto__",
  "constructor",
  "' OR 1=1 --",
  "%00",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "Thôn Lũng Cú",
  "thon lung cu",
  "😀".repeat(30),
];

const oddText = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...ODD_TEXT) },
  { weight: 30, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 20, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constant(HUGE) },
);

const oddNumber = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    5e-324,
    90.0000001,
    -91,
    180.5,
    23.1,
    105.3,
    // Latitude and longitude swapped.
    105.3,
    23.1,
    0.1,
    50,
    300,
    -20,
  ),
  fc.double(),
  fc.integer(),
);

const scalar = fc.oneof(oddText, oddNumber, fc.boolean(), fc.constant(null));

// Objects as JSON.parse makes them, always with a prototype: an object
// without one cannot arrive in a request body.
const asParsed = { noNullPrototype: true } as const;

const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(oddText, fc.constantFrom("2g", "3g", "4g", "5g", "kind", "note")), tie("v"), {
      maxKeys: 4,
      ...asParsed,
    }),
  ),
})).v;

// Mostly objects with the schema's own keys, so that validation goes past the
// first field; sometimes with unknown keys, sometimes not an object at all.
const bodyFor = (schema: ZodType) => {
  const keys = shapeKeys(schema);
  const known = keys.length > 0 ? fc.constantFrom(...keys) : oddText;
  return fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(known, value, { maxKeys: keys.length + 1, ...asParsed }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.dictionary(known, value, asParsed),
          fc.dictionary(oddText, value, { minKeys: 1, maxKeys: 2, ...asParsed }),
        )
        .map(([a, b]) => ({ ...b, ...a })),
    },
    { weight: 1, arbitrary: value },
  );
};

// Query strings as Hono hands them over: a string per key, or an array when
// the key repeats.
const queryFor = (schema: ZodType) => {
  const keys = shapeKeys(schema);
  const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: oddText });
  return fc.dictionary(
    key,
    fc.oneof(
      { weight: 5, arbitrary: oddText },
      { weight: 1, arbitrary: fc.array(oddText, { minLength: 2, maxLength: 3 }) },
    ),
    {
      maxKeys: keys.length + 1,
    },
  );
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function finiteEverywhere(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(finiteEverywhere);
  if (isPlainObject(v)) return Object.values(v).every(finiteEverywhere);
  return true;
}

// ------------------------------------------------------------- validators

describe(`validators meet ${DIRECT_RUNS} hostile inputs each`, { timeout: TIMEOUT_MS }, () => {
  it("finds the routes to fuzz", () => {
    expect(QUERY_ROUTES.map(label)).toEqual(
      expect.arrayContaining(["GET /villages", "GET /stations", "GET /export/villages.csv", "GET /audit"]),
    );
    expect(BODY_ROUTES.map(label)).toEqual(
      expect.arrayContaining(["POST /stations", "PATCH /stations/{id}", "POST /admin/tokens"]),
    );
  });

  it.each(QUERY_ROUTES.map((r) => [label(r), r] as const))("query of %s", (_, route) => {
    const schema = querySchema(route) as ZodType;
    const keys = shapeKeys(schema);
    fc.assert(
      fc.property(queryFor(schema), (query) => {
        const result = schema.safeParse(query);
        if (result.success) return;
        const problem = fromZodError(result.error, "query");
        expect(problem.status).toBe(400);
        for (const e of problem.errors) {
          expect(e.location).toBe("query");
          expect(keys.includes(e.field.split(".")[0] as string) || e.field in query, e.field).toBe(true);
        }
      }),
      { numRuns: DIRECT_RUNS },
    );
  });

  it.each(BODY_ROUTES.map((r) => [label(r), r] as const))("JSON body of %s", (_, route) => {
    const schema = jsonSchema(route) as ZodType;
    fc.assert(
      fc.property(bodyFor(schema), (body) => {
        const result = schema.safeParse(body);
        if (result.success) {
          expect(finiteEverywhere(result.data)).toBe(true);
          return;
        }
        const problem = fromZodError(result.error, "json");
        expect(problem.errors.length).toBeGreaterThan(0);
        for (const e of problem.errors) {
          expect(e.field.length).toBeGreaterThan(0);
          expect(e.location).toBe("body");
          expect(e.problem.length).toBeGreaterThan(0);
        }
        // A body with fields gets told which of them is wrong.
        if (isPlainObject(body) && Object.keys(body).length > 0) {
          expect(problem.errors.some((e) => e.field !== "(body)")).toBe(true);
        }
      }),
      { numRuns: DIRECT_RUNS },
    );
  });
});

// ------------------------------------------------------------- import files

// The columns the parser knows, so that new ones are fuzzed too.
const STATION_COLUMNS = IMPORT_COLUMNS.stations.all;
const VILLAGE_COLUMNS = IMPORT_COLUMNS.villages.all;

const cell = fc.oneof(
  oddText,
  oddNumber.map(String),
  fc.constantFrom('"', '""', '"a"b"', 'a"', "\r", "\n", "\r\n", ",", ";", "\t", "viettel", "2g|4g", "22,9", "104.8"),
);

// Rows joined by a separator with quoting that is sometimes right, sometimes
// broken, in lines that end however a spreadsheet (or not) ends them.
const csvText = (columns: string[]) =>
  fc
    .record({
      bom: fc.boolean(),
      separator: fc.constantFrom(",", ";", "\t", "|"),
      newline: fc.constantFrom("\n", "\r\n", "\r"),
      header: fc.shuffledSubarray([...columns, "extra", " LAT ", "Lon"], { minLength: 1 }),
      rows: fc.array(fc.array(fc.tuple(cell, fc.constantFrom("none", "quoted", "broken")), { maxLength: 10 }), {
        maxLength: 8,
      }),
    })
    .map(({ bom, separator, newline, header, rows }) => {
      const render = ([text, quoting]: [string, string]) =>
        quoting === "quoted" ? `"${text.replaceAll('"', '""')}"` : quoting === "broken" ? `"${text}` : text;
      const lines = [header.join(separator), ...rows.map((r) => r.map(render).join(separator))];
      return `${bom ? "\uFEFF" : ""}${lines.join(newline)}`;
    });

const point = fc.oneof(
  fc.tuple(oddNumber, oddNumber).map(([lon, lat]) => ({ type: "Point", coordinates: [lon, lat] })),
  value,
);

const geoJsonText = (columns: string[]) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(
          fc.record(
            {
              type: fc.constantFrom("Feature", "feature", "Point"),
              geometry: point,
              properties: fc.oneof(fc.dictionary(fc.constantFrom(...columns, "Name ", "x"), value, asParsed), value),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 6 },
        )
        .map((features) => JSON.stringify({ type: "FeatureCollection", features })),
    },
    { weight: 1, arbitrary: value.map((v) => JSON.stringify(v) ?? "") },
    { weight: 1, arbitrary: oddText },
  );

function checkFile(parsed: ReturnType<typeof parseCsv>, kind: "stations" | "villages") {
  const validated = kind === "stations" ? validateStationFile(parsed) : validateVillageFile(parsed);
  for (const p of validated.problems) {
    expect(p.field.length).toBeGreaterThan(0);
    expect(p.problem.length).toBeGreaterThan(0);
    if (p.row !== undefined) expect(Number.isInteger(p.row) && p.row >= 1).toBe(true);
  }
  for (const row of validated.rows) {
    if (row.lat == null || row.lon == null) continue;
    expect(row.lat).toBeGreaterThanOrEqual(VIETNAM_BOUNDS.minLat);
    expect(row.lat).toBeLessThanOrEqual(VIETNAM_BOUNDS.maxLat);
    expect(row.lon).toBeGreaterThanOrEqual(VIETNAM_BOUNDS.minLon);
    expect(row.lon).toBeLessThanOrEqual(VIETNAM_BOUNDS.maxLon);
  }
}

const parsesOrRefusesSize = (parse: () => ReturnType<typeof parseCsv>) => {
  try {
    return parse();
  } catch (err) {
    expect(err).toBeInstanceOf(ImportTooLarge);
    return undefined;
  }
};

describe(`import parsers meet ${DIRECT_RUNS} hostile files each`, { timeout: TIMEOUT_MS }, () => {
  for (const [kind, columns] of [
    ["stations", STATION_COLUMNS],
    ["villages", VILLAGE_COLUMNS],
  ] as const) {
    it(`CSV of ${kind}`, () => {
      fc.assert(
        fc.property(csvText(columns), (text) => {
          const parsed = parsesOrRefusesSize(() => parseCsv(text));
          if (parsed) checkFile(parsed, kind);
        }),
        { numRuns: DIRECT_RUNS },
      );
    });

    it(`GeoJSON of ${kind}`, () => {
      fc.assert(
        fc.property(geoJsonText(columns), (text) => {
          const parsed = parsesOrRefusesSize(() => parseGeoJson(text));
          if (parsed) checkFile(parsed, kind);
        }),
        { numRuns: DIRECT_RUNS },
      );
    });
  }
});

// ------------------------------------------------------------- through HTTP

let who: Principals;
const base = { lat: 22.9, lon: 104.7 };
const STATION_ID = "st-hostile-1";

beforeAll(async () => {
  await seedBase();
  await insertVillages([villageRow({ code: "HI-01", name: "Thôn Thử Lửa", ...base })]);
  await insertStations([stationRow({ id: STATION_ID, site_code: "HI-1", ...base })]);
  await recomputeAll();
  who = await principals("viettel", "vinaphone");
});

// JSON text as a careless or hostile client writes it: keys may repeat, and
// numbers JSON cannot hold are written out anyway.
function rawJson(v: unknown, duplicate: boolean): string {
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "1e999" : "-1e999";
  if (Array.isArray(v)) return `[${v.map((x) => rawJson(x, duplicate)).join(",")}]`;
  if (isPlainObject(v)) {
    const entries = Object.entries(v);
    const first = entries[0];
    const repeated = duplicate && first ? [...entries, [first[0], "dup"] as const] : entries;
    return `{${repeated.map(([k, x]) => `${JSON.stringify(k)}:${rawJson(x, duplicate)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

async function expectProblemOrSuccess(res: Response, before: Awaited<ReturnType<typeof snapshot>> | undefined) {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status < 400) return;
  expect(res.headers.get("Content-Type"), text).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(text) as Problem;
  expect(problem.status).toBe(res.status);
  if (res.status === 400) {
    expect(problem.errors?.length, text).toBeGreaterThan(0);
    for (const e of problem.errors ?? []) expect(e.field.length, text).toBeGreaterThan(0);
  }
  if (before) expect(await snapshot(), `refused with ${res.status}, yet something changed`).toEqual(before);
}

const encodeQuery = (query: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, one);
  return params.toString();
};

const HTTP_PATH = (r: RouteConfig, param: string) =>
  `/api/v1${r.path.replace(/\{[^}]+\}/g, encodeURIComponent(param))}`;

describe(`the same inputs through HTTP, ${HTTP_RUNS} per route`, () => {
  it.each(QUERY_ROUTES.map((r) => [label(r), r] as const))(
    "query of %s",
    async (_, route) => {
      const schema = querySchema(route) as ZodType;
      await fc.assert(
        fc.asyncProperty(queryFor(schema), fc.constantFrom("99", "HI-01", STATION_ID, "x"), async (query, param) => {
          const path = `${HTTP_PATH(route, param)}?${encodeQuery(query as Record<string, string | string[]>)}`;
          const auth = route.security ? who.admin : {};
          await expectProblemOrSuccess(await request(path, { headers: auth }), undefined);
        }),
        { numRuns: HTTP_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  const writes: Array<[string, string, (body: string) => RequestInit & { path: string }]> = [
    ["POST /stations", "/stations", (body) => ({ path: "/api/v1/stations", method: "POST", body })],
    [
      "PATCH /stations/{id}",
      "/stations/{id}",
      (body) => ({ path: `/api/v1/stations/${STATION_ID}`, method: "PATCH", body, headers: { "If-Match": '"1"' } }),
    ],
    ["POST /admin/tokens", "/admin/tokens", (body) => ({ path: "/api/v1/admin/tokens", method: "POST", body })],
  ];

  it.each(writes)(
    "JSON body of %s",
    async (_, path, build) => {
      const route = BODY_ROUTES.find((r) => r.path === path) as RouteConfig;
      await fc.assert(
        fc.asyncProperty(bodyFor(jsonSchema(route) as ZodType), fc.boolean(), async (body, duplicate) => {
          const { path: url, headers, ...init } = build(rawJson(body, duplicate));
          const before = await snapshot();
          const res = await request(url, {
            ...init,
            headers: { ...who.admin, ...(headers as Record<string, string>), "Content-Type": "application/json" },
          });
          await expectProblemOrSuccess(res, res.status >= 400 ? before : undefined);
        }),
        { numRuns: HTTP_RUNS },
      );
    },
    TIMEOUT_MS,
  );

  // Bytes that are not UTF-8 (a legacy Windows code page) as well as text.
  const latin1 = (text: string) => Uint8Array.from([...text].map((ch) => ch.charCodeAt(0) & 0xff));

  it.each([
    ["stations", STATION_COLUMNS],
    ["villages", VILLAGE_COLUMNS],
  ] as const)(
    "CSV and GeoJSON import of %s",
    async (kind, columns) => {
      const file = fc.oneof(
        csvText(columns).map((t) => ({ type: "text/csv", body: t as BodyInit })),
        csvText(columns).map((t) => ({ type: "text/csv", body: latin1(t) as BodyInit })),
        geoJsonText(columns).map((t) => ({ type: "application/geo+json", body: t as BodyInit })),
      );
      await fc.assert(
        fc.asyncProperty(file, async ({ type, body }) => {
          const before = await snapshot();
          const res = await request(`/api/v1/import/${kind}`, {
            method: "POST",
            headers: { ...who.admin, "Content-Type": type },
            body,
          });
          await expectProblemOrSuccess(res, res.status >= 400 ? before : undefined);
        }),
        { numRuns: HTTP_RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
