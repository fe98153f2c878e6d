import { describe, expect, it } from "vitest";
import { STATION_STATUSES, type StationStatus } from "../../schema/tables.ts";
import {
  assertChangeable,
  assertTransition,
  changedFields,
  type EditableStation,
  nextStates,
  type StepDates,
  sortTechs,
  stepDate,
} from "../../worker/domain/lifecycle.ts";
import { ApiError } from "../../worker/errors.ts";

const LEGAL: Array<[StationStatus, StationStatus]> = [
  ["planned", "permitted"],
  ["permitted", "building"],
  ["building", "on_air"],
  ["on_air", "outage"],
  ["outage", "on_air"],
  ...STATION_STATUSES.filter((s) => s !== "decommissioned").map((s): [StationStatus, StationStatus] => [
    s,
    "decommissioned",
  ]),
];

function refusal(fn: () => void): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("the station lifecycle", () => {
  it("allows exactly the legal moves", () => {
    for (const from of STATION_STATUSES) {
      for (const to of STATION_STATUSES) {
        const legal = LEGAL.some(([f, t]) => f === from && t === to);
        expect(nextStates(from).includes(to), `${from} → ${to}`).toBe(legal);
        if (legal) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(refusal(() => assertTransition(from, to)).status, `${from} → ${to}`).toBe(409);
      }
    }
  });

  it("names the allowed next states in a refusal", () => {
    const err = refusal(() => assertTransition("planned", "on_air"));
    expect(err.extra).toEqual({ from: "planned", to: "on_air", allowed: ["permitted", "decommissioned"] });
    expect(err.detail).toBe("A station that is planned cannot become on_air; allowed next: permitted, decommissioned.");
  });

  it("treats decommissioned as final", () => {
    expect(nextStates("decommissioned")).toEqual([]);
    const err = refusal(() => assertTransition("decommissioned", "on_air"));
    expect(err.extra).toMatchObject({ allowed: [] });
    expect(err.detail).toContain("final");
    expect(refusal(() => assertChangeable("decommissioned")).status).toBe(409);
    for (const s of STATION_STATUSES.filter((x) => x !== "decommissioned"))
      expect(() => assertChangeable(s)).not.toThrow();
  });

  it("does not let callers alter its table", () => {
    nextStates("planned").push("on_air");
    expect(nextStates("planned")).toEqual(["permitted", "decommissioned"]);
  });
});

describe("step dates", () => {
  const none: StepDates = {
    planned_at: "2025-01-01",
    permitted_at: null,
    building_at: null,
    on_air_at: null,
    outage_at: null,
    decommissioned_at: null,
  };

  it("dates the column of each step", () => {
    expect(stepDate(none, "permitted", "2026-11-23")).toEqual({ permitted_at: "2026-11-23" });
    expect(stepDate(none, "building", "2026-11-23")).toEqual({ building_at: "2026-11-23" });
    expect(stepDate(none, "on_air", "2026-11-23")).toEqual({ on_air_at: "2026-11-23" });
    expect(stepDate(none, "decommissioned", "2026-11-23")).toEqual({ decommissioned_at: "2026-11-23" });
  });

  it("keeps the commissioning date when a station returns from an outage, and dates each outage", () => {
    const failed = { ...none, on_air_at: "2024-05-01", outage_at: "2025-01-01" };
    expect(stepDate(failed, "on_air", "2026-11-23")).toEqual({});
    expect(stepDate(failed, "outage", "2026-11-23")).toEqual({ outage_at: "2026-11-23" });
  });
});

describe("changed fields", () => {
  const current: EditableStation = {
    status: "on_air",
    lat: 23.2,
    lon: 105.3,
    technologies: ["2g", "4g"],
    antenna_height_m: 30,
    planned_on_air_date: null,
    name: "BTS",
  };

  it("ignores values the station already has, technologies compared as a set", () => {
    expect(changedFields(current, { status: "on_air", technologies: ["4g", "2g"], lat: 23.2, name: "BTS" })).toEqual(
      {},
    );
  });

  it("keeps real changes, technologies in canonical order, null as a value", () => {
    expect(changedFields(current, { status: "outage", technologies: ["5g", "2g"], name: null, lon: 105.31 })).toEqual({
      status: "outage",
      technologies: ["2g", "5g"],
      name: null,
      lon: 105.31,
    });
  });

  it("orders technologies from 2G to 5G", () => {
    expect(sortTechs(["5g", "2g", "4g"])).toEqual(["2g", "4g", "5g"]);
  });
});
