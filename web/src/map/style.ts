import type { CircleMarkerOptions } from "leaflet";
import type { CoverageState, MapVillage, StationStatus, Tech } from "../api.ts";
import { withEvidence } from "./evidence.ts";

// Colour carries the meaning on the map, so each class must stay apart for
// colour-blind readers too: red vs amber differ in size and outline as well.
export const NO_SIGNAL_COLOR = "#c8102e";
export const TWO_G_COLOR = "#f2a900";
export const UNKNOWN_COLOR = "#5f6b7a";

export const TECH_COLORS: Record<Tech, string> = {
  "2g": TWO_G_COLOR,
  "3g": "#3b73b9",
  "4g": "#1e8a5a",
  "5g": "#6b3fa0",
};

// Drawing order on the shared canvas: later is on top, so the villages without
// signal are drawn last and are never hidden under covered neighbours.
export const COVERAGE_ORDER: Record<CoverageState, number> = { good: 0, weak: 1, unknown: 2, none: 3 };
export const COVERAGE_STATES = (Object.keys(COVERAGE_ORDER) as CoverageState[]).sort(
  (a, b) => COVERAGE_ORDER[b] - COVERAGE_ORDER[a],
);

export function villageStyle(v: Pick<MapVillage, "coverage_state" | "best_tech" | "evidence">): CircleMarkerOptions {
  switch (v.coverage_state) {
    case "none":
      return { radius: 8, color: "#ffffff", weight: 2.5, fillColor: NO_SIGNAL_COLOR, fillOpacity: 1 };
    case "unknown":
      return { radius: 5, color: UNKNOWN_COLOR, weight: 2, fill: false, dashArray: "2 2" };
    default: {
      const twoGOnly = v.best_tech === "2g";
      return withEvidence(
        {
          radius: twoGOnly ? 5 : 3.5,
          color: twoGOnly ? "#7a5200" : "#ffffff",
          weight: twoGOnly ? 1.5 : 0.75,
          fillColor: v.best_tech ? TECH_COLORS[v.best_tech] : UNKNOWN_COLOR,
          fillOpacity: v.coverage_state === "good" ? 0.9 : 0.45,
        },
        v.evidence,
      );
    }
  }
}

export const STATION_STATUS_ORDER: Record<StationStatus, number> = {
  planned: 0,
  permitted: 1,
  building: 2,
  on_air: 3,
  outage: 4,
  decommissioned: 5,
};
export const STATION_STATUSES = (Object.keys(STATION_STATUS_ORDER) as StationStatus[]).sort(
  (a, b) => STATION_STATUS_ORDER[a] - STATION_STATUS_ORDER[b],
);

export function stationStyle(status: StationStatus, operatorColor: string): CircleMarkerOptions {
  switch (status) {
    case "on_air":
      return { radius: 4, color: "#1f2937", weight: 1, fillColor: operatorColor, fillOpacity: 0.95 };
    case "outage":
      return { radius: 5, color: "#8b0000", weight: 3, fillColor: operatorColor, fillOpacity: 0.95 };
    case "decommissioned":
      return { radius: 3, color: "#6b7280", weight: 1, fillColor: "#d1d5db", fillOpacity: 0.8, dashArray: "2 2" };
    default:
      return { radius: 5, color: operatorColor, weight: 2, fillColor: "#ffffff", fillOpacity: 0.85, dashArray: "3 2" };
  }
}
