import type { CoverageState, Progress, StationFilters, StationStatus, Tech, VillageFilters } from "./api.ts";

// The unit as the progress figures describe it: enough to query it again
// (code, and the era that says which of two reused codes is meant).
export type SelectedUnit = Progress["unit"];

export type MapState = {
  unit: SelectedUnit;
  operator: string;
  tech: Tech | "";
  coverage: CoverageState | "";
  stations: boolean;
  status: StationStatus | "";
};

type Listener = (state: MapState, previous: MapState) => void;

export function createStore(initial: MapState) {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(patch: Partial<MapState>) {
      const previous = state;
      state = { ...state, ...patch };
      for (const listener of listeners) listener(state, previous);
    },
    subscribe(listener: Listener) {
      listeners.add(listener);
    },
  };
}

export type Store = ReturnType<typeof createStore>;

// A pre-2025 code may have been reused by a 2025 commune; asking "as of" the
// last day the old unit was valid makes the server pick the old one.
export function unitQuery(unit: SelectedUnit): { unit: string; as_of?: string } {
  return unit.era === "pre2025" && unit.valid_to ? { unit: unit.code, as_of: unit.valid_to } : { unit: unit.code };
}

export function villageFilters(state: MapState): VillageFilters {
  return {
    ...unitQuery(state.unit),
    operator: state.operator || undefined,
    tech: state.tech || undefined,
    coverage: state.coverage || undefined,
  };
}

export function stationFilters(state: MapState): StationFilters {
  return {
    ...unitQuery(state.unit),
    operator: state.operator || undefined,
    tech: state.tech || undefined,
    status: state.status || undefined,
  };
}

export function sameUnit(a: SelectedUnit, b: SelectedUnit): boolean {
  return a.code === b.code && a.era === b.era;
}
