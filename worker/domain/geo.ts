export const EARTH_RADIUS_M = 6_371_008.8;
const toRad = (deg: number) => (deg * Math.PI) / 180;

export type LatLon = { lat: number; lon: number };

export function distanceMeters(a: LatLon, b: LatLon): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type BBox = { minLon: number; minLat: number; maxLon: number; maxLat: number };

// A box that contains every point within `meters` of `p`; used to narrow SQL
// range scans before the exact distance test.
export function bboxAround(p: LatLon, meters: number): BBox {
  const dLat = (meters / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.max(0.01, Math.cos(toRad(p.lat)));
  const dLon = dLat / cos;
  return {
    minLat: p.lat - dLat,
    maxLat: p.lat + dLat,
    minLon: p.lon - dLon,
    maxLon: p.lon + dLon,
  };
}

// The smallest box holding every point's bboxAround.
export function bboxAroundAll(points: LatLon[], meters: number): BBox {
  const all = { minLat: Infinity, maxLat: -Infinity, minLon: Infinity, maxLon: -Infinity };
  for (const p of points) {
    const b = bboxAround(p, meters);
    all.minLat = Math.min(all.minLat, b.minLat);
    all.maxLat = Math.max(all.maxLat, b.maxLat);
    all.minLon = Math.min(all.minLon, b.minLon);
    all.maxLon = Math.max(all.maxLon, b.maxLon);
  }
  return all;
}

export function expandBox(box: BBox, meters: number): BBox {
  return bboxAroundAll(
    [
      { lat: box.minLat, lon: box.minLon },
      { lat: box.maxLat, lon: box.maxLon },
    ],
    meters,
  );
}

// Points grouped by the square tile of `tileDeg` degrees they fall in: a bulk
// change spread over a country becomes a few neighbourhoods, each read with
// one query, instead of one query per point or a read of everything.
export function byTile<T extends LatLon>(points: T[], tileDeg: number): T[][] {
  const tiles = new Map<string, T[]>();
  for (const p of points) {
    const key = `${Math.floor(p.lat / tileDeg)}:${Math.floor(p.lon / tileDeg)}`;
    const tile = tiles.get(key);
    if (tile) tile.push(p);
    else tiles.set(key, [p]);
  }
  return [...tiles.values()];
}

// Buckets points in square cells of `cellDeg` degrees so that neighbourhood
// queries touch a handful of cells instead of every point.
export class GridIndex<T extends LatLon> {
  private readonly cells = new Map<string, T[]>();
  private readonly cellDeg: number;

  constructor(points: Iterable<T>, cellDeg = 0.05) {
    this.cellDeg = cellDeg;
    for (const p of points) this.add(p);
  }

  add(p: T): void {
    const key = this.key(Math.floor(p.lat / this.cellDeg), Math.floor(p.lon / this.cellDeg));
    const bucket = this.cells.get(key);
    if (bucket) bucket.push(p);
    else this.cells.set(key, [p]);
  }

  within(center: LatLon, meters: number): Array<{ item: T; distance_m: number }> {
    const box = bboxAround(center, meters);
    const out: Array<{ item: T; distance_m: number }> = [];
    for (let i = Math.floor(box.minLat / this.cellDeg); i <= Math.floor(box.maxLat / this.cellDeg); i++) {
      for (let j = Math.floor(box.minLon / this.cellDeg); j <= Math.floor(box.maxLon / this.cellDeg); j++) {
        for (const item of this.cells.get(this.key(i, j)) ?? []) {
          const d = distanceMeters(center, item);
          if (d <= meters) out.push({ item, distance_m: d });
        }
      }
    }
    return out;
  }

  private key(i: number, j: number): string {
    return `${i}:${j}`;
  }
}

type Ring = number[][];
export type PolygonGeometry =
  | { type: "Polygon"; coordinates: Ring[] }
  | { type: "MultiPolygon"; coordinates: Ring[][] };

function inRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(p: LatLon, geometry: PolygonGeometry): boolean {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.some(
    (rings) =>
      rings.length > 0 &&
      inRing(p.lon, p.lat, rings[0] as Ring) &&
      !rings.slice(1).some((hole) => inRing(p.lon, p.lat, hole)),
  );
}
