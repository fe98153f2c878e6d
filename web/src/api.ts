import type { z } from "@hono/zod-openapi";
import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { ProblemSchema } from "../../worker/api/schemas.ts";
import type { AppType } from "../../worker/app.ts";
import type { MapVillagesSchema } from "../../worker/routes/map/routes.ts";

// Every request and response shape below is inferred from the worker's route
// schemas, so a change on the server fails `tsc` here instead of in a browser.
export const client = hc<AppType>(location.origin);
const v1 = client.api.v1;

export type Progress = InferResponseType<typeof v1.progress.$get, 200>;
export type Unit = InferResponseType<typeof v1.units.$get, 200>["data"][number];
export type UnitDetail = InferResponseType<(typeof v1.units)[":code"]["$get"], 200>;
export type VillagePage = InferResponseType<typeof v1.villages.$get, 200>;
export type Village = VillagePage["data"][number];
export type VillageDetail = InferResponseType<(typeof v1.villages)[":code"]["$get"], 200>;
export type Claim = VillageDetail["explanation"]["claims"][number];
export type Commitment = NonNullable<VillageDetail["commitment"]>;
export type VillageEvent = VillageDetail["history"][number];
export type Station = InferResponseType<typeof v1.stations.$get, 200>["data"][number];

export type VillageQuery = InferRequestType<typeof v1.villages.$get>["query"];
export type StationQuery = InferRequestType<typeof v1.stations.$get>["query"];
export type VillageFilters = Omit<VillageQuery, "limit" | "cursor">;
export type StationFilters = Omit<StationQuery, "limit" | "cursor">;

export type CoverageState = Village["coverage_state"];
export type Tech = Station["technologies"][number];
export type StationStatus = Station["status"];
export type ClaimSource = Claim["source"];
export type BlockerKind = Commitment["blockers"][number]["kind"];
export type CommitmentStatus = Commitment["status"];

export type Problem = z.infer<typeof ProblemSchema>;

// A failed call: the server's RFC 9457 problem when there is one, or a
// synthetic one (status 0) when the network failed before any answer came.
export class ApiProblem extends Error {
  readonly problem: Problem;
  readonly body: Record<string, unknown>;

  constructor(problem: Problem, body: Record<string, unknown> = {}) {
    super(problem.detail);
    this.problem = problem;
    this.body = body;
  }

  get status(): number {
    return this.problem.status;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isProblem(value: unknown): value is Problem {
  return isRecord(value) && typeof value.status === "number" && typeof value.title === "string";
}

type Answer<T> = { ok: boolean; status: number; statusText: string; url: string; json(): Promise<T> };

// Routes that declare their problem responses give a union per status; the
// success body is the one answered with 200 or 201.
type SuccessBody<R> = R extends { status: 200 | 201; json(): Promise<infer T> } ? T : never;

async function problemOf(res: { status: number; statusText: string; url: string; json(): Promise<unknown> }) {
  const body: unknown = await res.json().catch(() => undefined);
  if (isProblem(body)) return new ApiProblem(body, body as Record<string, unknown>);
  return new ApiProblem({
    type: "about:blank",
    title: res.statusText || "Error",
    status: res.status,
    detail: res.statusText || `HTTP ${res.status}`,
    instance: new URL(res.url || location.href).pathname,
  });
}

export function networkProblem(error: unknown): ApiProblem {
  return new ApiProblem({
    type: "about:blank",
    title: "Network error",
    status: 0,
    detail: error instanceof Error ? error.message : String(error),
    instance: location.pathname,
  });
}

// A superseded request (a newer filter choice) is not an error to show.
export const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";

export async function answer<R extends Answer<unknown>>(pending: Promise<R>): Promise<SuccessBody<R>> {
  let res: R;
  try {
    res = await pending;
  } catch (error) {
    throw isAbort(error) ? error : networkProblem(error);
  }
  if (!res.ok) throw await problemOf(res);
  return (await res.json()) as SuccessBody<R>;
}

// Query values travel as strings; undefined and empty ones are left out so
// that "all" in a filter means "no parameter", as the API expects.
function compact<T extends Record<string, unknown>>(query: T): T {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== "")) as T;
}

// The API's largest page; fewer round trips when the map wants everything.
const FULL_PAGE = "1000";

export async function allVillages(filters: VillageFilters, signal?: AbortSignal): Promise<Village[]> {
  const rows: Village[] = [];
  let cursor: string | undefined;
  do {
    const page = await answer(
      v1.villages.$get({ query: compact({ ...filters, limit: FULL_PAGE, cursor }) }, { init: { signal } }),
    );
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

export async function allStations(filters: StationFilters, signal?: AbortSignal): Promise<Station[]> {
  const rows: Station[] = [];
  let cursor: string | undefined;
  do {
    const page = await answer(
      v1.stations.$get({ query: compact({ ...filters, limit: FULL_PAGE, cursor }) }, { init: { signal } }),
    );
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

// What the map draws of a village: the compact rows of GET /map/villages,
// one request for any number of villages.
type MapRow = z.infer<typeof MapVillagesSchema>["villages"][number];
export type MapVillage = Pick<Village, "code" | "coverage_state" | "best_tech"> & {
  lat: number;
  lon: number;
  evidence: Pick<Village["evidence"], "state" | "stale">;
};

export async function mapVillages(filters: VillageFilters, signal?: AbortSignal): Promise<MapVillage[]> {
  let res: Awaited<ReturnType<typeof v1.map.villages.$get>>;
  try {
    res = await v1.map.villages.$get({ query: compact(filters) }, { init: { signal } });
  } catch (error) {
    throw isAbort(error) ? error : networkProblem(error);
  }
  if (!res.ok) throw await problemOf(res);
  const rows = ((await res.json()) as unknown as { villages: MapRow[] }).villages;
  return rows.map(([code, lat, lon, coverage_state, best_tech, mark]) => ({
    code,
    lat,
    lon,
    coverage_state,
    best_tech,
    evidence: { state: mark === "stale" ? "unverified" : mark, stale: mark === "stale" },
  }));
}

export const villagePage = (query: VillageQuery, signal?: AbortSignal) =>
  answer(v1.villages.$get({ query: compact(query) }, { init: { signal } }));

export const stationPage = (query: StationQuery, signal?: AbortSignal) =>
  answer(v1.stations.$get({ query: compact(query) }, { init: { signal } }));

export const village = (code: string) => answer(v1.villages[":code"].$get({ param: { code } }));

export const progress = (unit: string, asOf?: string) =>
  answer(v1.progress.$get({ query: compact({ unit, as_of: asOf }) }));

export const units = (query: InferRequestType<typeof v1.units.$get>["query"], signal?: AbortSignal) =>
  answer(v1.units.$get({ query: compact(query) }, { init: { signal } })).then((r) => r.data);

export const unitDetail = (code: string, asOf?: string) =>
  answer(v1.units[":code"].$get({ param: { code }, query: compact({ as_of: asOf }) }));

export const villagesExportUrl = (format: "csv" | "geojson", filters: VillageFilters): string => {
  const query = compact(filters);
  const url =
    format === "csv" ? v1.export["villages.csv"].$url({ query }) : v1.export["villages.geojson"].$url({ query });
  return `${url.pathname}${url.search}`;
};

export const docsUrl = "/docs";

export type CoverageConfig = InferResponseType<(typeof v1)["coverage-config"]["$get"], 200>;
export const coverageConfig = () => answer(v1["coverage-config"].$get());

export type HistoryPoint = InferResponseType<typeof v1.progress.history.$get, 200>["points"][number];

// No snapshot yet is an empty history, not an error.
export async function progressHistory(unit: string, asOf?: string): Promise<HistoryPoint[]> {
  try {
    return (await answer(v1.progress.history.$get({ query: compact({ unit, as_of: asOf }) }))).points;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return [];
    throw error;
  }
}

export type StationWriteResult = InferResponseType<(typeof v1.stations)[":id"]["$patch"], 200>;
export type StationPatch = InferRequestType<(typeof v1.stations)[":id"]["$patch"]>["json"];

// A station with its version: the ETag is what a later change sends back in
// If-Match, so the server can refuse it if someone else changed the station since.
export type Versioned<T> = { body: T; etag: string };

async function versioned<R extends Answer<unknown> & { headers: Headers }>(
  pending: Promise<R>,
): Promise<Versioned<SuccessBody<R>>> {
  let res: R;
  try {
    res = await pending;
  } catch (error) {
    throw networkProblem(error);
  }
  if (!res.ok) throw await problemOf(res);
  return { body: (await res.json()) as SuccessBody<R>, etag: res.headers.get("ETag") ?? "" };
}

export const stationVersioned = (id: string) => versioned(v1.stations[":id"].$get({ param: { id } }));

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export const patchStation = (id: string, etag: string, token: string, json: StationPatch) =>
  versioned(
    v1.stations[":id"].$patch({ param: { id }, header: { "if-match": etag }, json }, { headers: bearer(token) }),
  );

export type Me = InferResponseType<typeof v1.auth.me.$get, 200>;
export const authMe = (token: string) => answer(v1.auth.me.$get({}, { headers: bearer(token) }));
