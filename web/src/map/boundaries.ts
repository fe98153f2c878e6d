import type { Feature, FeatureCollection, Geometry } from "geojson";
import L from "leaflet";
import communesUrl from "../../../data/hagiang/geo/hagiang_area_communes_2025_simplified.geojson?url";
import provinceUrl from "../../../data/hagiang/geo/tuyenquang_2025_province.geojson?url";

// Properties of the shipped boundary files (data/hagiang/README.txt).
export type CommuneProperties = { code: string; name: string; fullName: string };

const LAND = "#f6f3ea";
const COMMUNE_LINE = "#8a96a3";

export type Boundaries = {
  communes: L.GeoJSON<CommuneProperties>;
  bounds: L.LatLngBounds;
  communeBounds(code: string): L.LatLngBounds | undefined;
  // With tiles available the land fill steps back so the basemap shows through.
  setTilesAvailable(available: boolean): void;
  highlight(code: string | undefined): void;
};

async function fetchGeoJson<P>(url: string): Promise<FeatureCollection<Geometry, P>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

export async function addBoundaries(
  map: L.Map,
  onCommuneClick: (feature: Feature<Geometry, CommuneProperties>, at: L.LatLng) => void,
): Promise<Boundaries> {
  const [communeData, provinceData] = await Promise.all([
    fetchGeoJson<CommuneProperties>(communesUrl),
    fetchGeoJson<unknown>(provinceUrl),
  ]);
  let fillOpacity = 1;
  let highlighted: string | undefined;
  const baseStyle = (code: string | undefined): L.PathOptions => ({
    color: code !== undefined && code === highlighted ? "#1f2937" : COMMUNE_LINE,
    weight: code !== undefined && code === highlighted ? 2.5 : 1,
    fillColor: LAND,
    fillOpacity,
  });

  // The province outline goes first so the communes, drawn above it, take the clicks.
  L.geoJSON(provinceData, {
    interactive: false,
    style: { color: "#3d4752", weight: 2.5, fill: false },
  }).addTo(map);

  const byCode = new Map<string, L.Polygon>();
  const communes = L.geoJSON<CommuneProperties>(communeData, {
    style: (feature) => baseStyle(feature?.properties.code),
    onEachFeature: (feature, layer) => {
      byCode.set(feature.properties.code, layer as L.Polygon);
      layer.on("click", (event: L.LeafletMouseEvent) => onCommuneClick(feature, event.latlng));
    },
  }).addTo(map);

  return {
    communes,
    bounds: communes.getBounds(),
    communeBounds: (code) => byCode.get(code)?.getBounds(),
    setTilesAvailable(available) {
      fillOpacity = available ? 0.25 : 1;
      communes.setStyle((feature) => baseStyle(feature?.properties.code));
    },
    highlight(code) {
      highlighted = code;
      communes.setStyle((feature) => baseStyle(feature?.properties.code));
    },
  };
}
