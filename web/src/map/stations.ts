import L from "leaflet";
import { allStations, type Station, type StationFilters } from "../api.ts";
import { diamondMarker } from "./diamond.ts";
import { stationStyle } from "./style.ts";

export type StationsLayer = {
  layer: L.FeatureGroup;
  load(filters: StationFilters, showDecommissioned: boolean): Promise<Station[]>;
  clear(): void;
  drawn(): readonly Station[];
  marker(id: string): L.CircleMarker | undefined;
};

export function createStationsLayer(
  map: L.Map,
  colorOf: (operatorId: string) => string,
  onClick: (station: Station, marker: L.CircleMarker) => void,
): StationsLayer {
  const layer = L.featureGroup();
  let drawn: Station[] = [];
  const markers = new Map<string, L.CircleMarker>();
  let controller: AbortController | undefined;

  return {
    layer,
    async load(filters, showDecommissioned) {
      controller?.abort();
      controller = new AbortController();
      const rows = await allStations(filters, controller.signal);
      layer.clearLayers();
      markers.clear();
      // Retired sites clutter the map; they show only when asked for by status.
      drawn = rows.filter((s) => showDecommissioned || s.status !== "decommissioned");
      for (const station of drawn) {
        const marker = diamondMarker([station.lat, station.lon], {
          ...stationStyle(station.status, colorOf(station.operator_id)),
          bubblingMouseEvents: false,
        });
        marker.on("click", () => onClick(station, marker));
        marker.addTo(layer);
        markers.set(station.id, marker);
      }
      if (!map.hasLayer(layer)) layer.addTo(map);
      return drawn;
    },
    clear() {
      controller?.abort();
      layer.clearLayers();
      markers.clear();
      layer.remove();
      drawn = [];
    },
    drawn: () => drawn,
    marker: (id) => markers.get(id),
  };
}
