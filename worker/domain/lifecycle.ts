import { type StationStatus, TECHS, type Tech } from "../../schema/tables.ts";
import { ApiError } from "../errors.ts";

// Outage is the only way back: a station that lost service returns to the air,
// but nothing un-permits or un-builds a site. Decommissioned is final.
const NEXT: Record<StationStatus, readonly StationStatus[]> = {
  planned: ["permitted", "decommissioned"],
  permitted: ["building", "decommissioned"],
  building: ["on_air", "decommissioned"],
  on_air: ["outage", "decommissioned"],
  outage: ["on_air", "decommissioned"],
  decommissioned: [],
};

export function nextStates(status: StationStatus): StationStatus[] {
  return [...NEXT[status]];
}

export function assertTransition(from: StationStatus, to: StationStatus): void {
  assertChangeable(from);
  const allowed = nextStates(from);
  if (allowed.includes(to)) return;
  throw new ApiError({
    status: 409,
    code: "illegal-transition",
    title: "Illegal status change",
    detail: `A station that is ${from} cannot become ${to}; allowed next: ${allowed.join(", ")}.`,
    extra: { from, to, allowed },
  });
}

export type StepDates = {
  planned_at: string | null;
  permitted_at: string | null;
  building_at: string | null;
  on_air_at: string | null;
  outage_at: string | null;
  decommissioned_at: string | null;
};

const STEP_COLUMN: Record<StationStatus, keyof StepDates> = {
  planned: "planned_at",
  permitted: "permitted_at",
  building: "building_at",
  on_air: "on_air_at",
  outage: "outage_at",
  decommissioned: "decommissioned_at",
};

// Entering a status dates its column. Coming back from an outage keeps the
// first on-air date: that is the commissioning date the department reports,
// while every later step stays in the audit log.
export function stepDate(current: StepDates, to: StationStatus, day: string): Partial<StepDates> {
  const column = STEP_COLUMN[to];
  if (column === "on_air_at" && current.on_air_at !== null) return {};
  return { [column]: day };
}

// A final status admits no change at all, not even of a name or position: the
// record then documents a site that no longer exists.
export function assertChangeable(status: StationStatus): void {
  if (nextStates(status).length > 0) return;
  throw new ApiError({
    status: 409,
    code: "illegal-transition",
    title: "Station is final",
    detail: `A station that is ${status} cannot change any more: ${status} is final.`,
    extra: { from: status, allowed: [] },
  });
}

export type EditableStation = {
  status: StationStatus;
  lat: number;
  lon: number;
  technologies: Tech[];
  antenna_height_m: number | null;
  planned_on_air_date: string | null;
  name: string | null;
};

// Technologies are a set; keeping them in one order makes equal sets equal
// arrays, in the database as in comparisons.
export function sortTechs(list: readonly Tech[]): Tech[] {
  return TECHS.filter((t) => list.includes(t));
}

// The fields of `patch` that differ from `current`: sending a value the
// station already has is not a change (and re-sending its status is not a
// transition).
export function changedFields(current: EditableStation, patch: Partial<EditableStation>): Partial<EditableStation> {
  const out: Partial<EditableStation> = {};
  for (const key of Object.keys(patch) as Array<keyof EditableStation>) {
    const value = patch[key];
    if (value === undefined) continue;
    const same =
      key === "technologies"
        ? sortTechs(value as Tech[]).join() === sortTechs(current.technologies).join()
        : value === current[key];
    if (!same) Object.assign(out, { [key]: key === "technologies" ? sortTechs(value as Tech[]) : value });
  }
  return out;
}
