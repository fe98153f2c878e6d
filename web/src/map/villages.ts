import L from "leaflet";
import { type MapVillage, mapVillages, type VillageFilters } from "../api.ts";
import { COVERAGE_ORDER, villageStyle } from "./style.ts";

export type VillagesLayer = {
  layer: L.FeatureGroup;
  // Resolves with the villages drawn; a newer load supersedes an older one,
  // whose promise then rejects with an AbortError.
  load(filters: VillageFilters): Promise<MapVillage[]>;
  drawn(): readonly MapVillage[];
  marker(code: string): L.CircleMarker | undefined;
  // Brings the villages back above layers added after them (the stations), in
  // their own order: covered, then unknown, then without signal on top.
  raise(): void;
};

export function createVillagesLayer(map: L.Map, onClick: (village: MapVillage, marker: L.CircleMarker) => void) {
  const layer = L.featureGroup().addTo(map);
  let markers = new Map<string, L.CircleMarker>();
  let drawn: MapVillage[] = [];
  let controller: AbortController | undefined;

  const sorted = (rows: MapVillage[]) =>
    rows
      .filter((v) => v.lat !== null && v.lon !== null)
      .sort((a, b) => COVERAGE_ORDER[a.coverage_state] - COVERAGE_ORDER[b.coverage_state]);

  function draw(rows: MapVillage[]) {
    layer.clearLayers();
    markers = new Map();
    drawn = sorted(rows);
    for (const village of drawn) {
      const marker = L.circleMarker([village.lat as number, village.lon as number], {
        ...villageStyle(village),
        bubblingMouseEvents: false,
      });
      marker.on("click", () => onClick(village, marker));
      marker.addTo(layer);
      markers.set(village.code, marker);
    }
  }

  const api: VillagesLayer = {
    layer,
    async load(filters) {
      controller?.abort();
      controller = new AbortController();
      const rows = await mapVillages(filters, controller.signal);
      draw(rows);
      return drawn;
    },
    drawn: () => drawn,
    marker: (code) => markers.get(code),
    raise() {
      for (const village of drawn) markers.get(village.code)?.bringToFront();
    },
  };
  return api;
}
