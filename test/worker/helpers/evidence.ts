import type { Tech } from "../../../schema/tables.ts";
import { send } from "./access.ts";
import { insertStations, insertVillages, recomputeAll, stationRow, villageRow } from "./factories.ts";

export const KM_LAT = 1 / 111.2;

let seq = 0;

// Each test village stands ~11 km from the previous one: no measurement meant
// for one can land within 2 km of another.
export function nextPlace(prefix: string) {
  const n = ++seq;
  return {
    code: `${prefix}-${n}`,
    lat: 20 + (n % 35) * 0.1,
    lon: 104 + Math.floor(n / 35) * 0.2,
  };
}

// A village at the foot of an on-air station of `operator` with only `tech`:
// the engine's computed claim makes it covered ("good"), with no evidence yet.
export async function coveredVillage(prefix = "EV", operator = "viettel", tech: Tech = "4g") {
  const place = nextPlace(prefix);
  await insertVillages([villageRow({ ...place, name: `Bản ${place.code}`, households: 40 })]);
  await insertStations([
    stationRow({
      site_code: `${place.code}-BTS`,
      operator_id: operator,
      lat: place.lat,
      lon: place.lon,
      technologies: [tech],
    }),
  ]);
  await recomputeAll();
  return place;
}

export async function uncoveredVillage(prefix = "EV", households = 40) {
  const place = nextPlace(prefix);
  await insertVillages([villageRow({ ...place, name: `Thôn ${place.code}`, households })]);
  await recomputeAll();
  return place;
}

// A point `meters` north of a place.
export const north = (p: { lat: number; lon: number }, meters: number) => ({
  lat: p.lat + (meters / 1000) * KM_LAT,
  lon: p.lon,
});

export function reading(at: { lat: number; lon: number }, overrides: Record<string, unknown> = {}) {
  return {
    lat: at.lat,
    lon: at.lon,
    operator_id: "viettel",
    tech: "4g",
    level: "good",
    signal_dbm: -95,
    measured_at: new Date(Date.now() - 3_600_000).toISOString(),
    device_note: "Samsung A05, ngoài nhà văn hoá",
    ...overrides,
  };
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

// A public sender is known by its address: CF-Connecting-IP, which Cloudflare's
// edge sets on every request.
export const fromAddress = (ip: string) => ({ "CF-Connecting-IP": ip });

export function postMeasurement(
  body: unknown,
  options: { key?: string | null; auth?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers["Idempotency-Key"] = options.key ?? crypto.randomUUID();
  return send({ method: "POST", path: "/api/v1/measurements", body, headers }, options.auth ?? {});
}

// `n` "no signal" reports from `n` different public addresses.
export async function reportNoSignal(
  at: { lat: number; lon: number },
  n: number,
  overrides: Record<string, unknown> = {},
  firstAddress = 1,
) {
  const answers = [];
  for (let i = 0; i < n; i++) {
    const res = await postMeasurement(reading(at, { level: "none", signal_dbm: null, ...overrides }), {
      headers: fromAddress(`198.51.100.${firstAddress + i}`),
    });
    answers.push({ status: res.status, body: (await res.json()) as MeasurementResult });
  }
  return answers;
}

export type MeasurementResult = {
  measurement: { id: number; village_code: string | null; distance_m: number | null; source: string; level: string };
  village: { code: string; name: string; distance_m: number } | null;
  counts_as: "verification" | "report" | null;
  challenge_opened: { id: number; status: string } | null;
  detail: string;
};
