import type { BBox, LatLon } from "../../worker/domain/geo.ts";

// Where the benchmark looks: Hà Nội, the densest part of the national data.
export const HANOI: LatLon = { lat: 21.03, lon: 105.85 };

// The box a 1366 × 860 map shows at a zoom level, around a centre.
export function viewportBox(center: LatLon, zoom: number): BBox {
  const width = (1366 / 256 / 2 ** zoom) * 360;
  const height = (860 / 256 / 2 ** zoom) * 360 * Math.cos((center.lat * Math.PI) / 180);
  return {
    minLat: center.lat - height / 2,
    maxLat: center.lat + height / 2,
    minLon: center.lon - width / 2,
    maxLon: center.lon + width / 2,
  };
}

// As the API's bbox parameter: west,south,east,north.
export function bboxParam(box: BBox): string {
  const f = (x: number) => x.toFixed(5);
  return `${f(box.minLon)},${f(box.minLat)},${f(box.maxLon)},${f(box.maxLat)}`;
}
