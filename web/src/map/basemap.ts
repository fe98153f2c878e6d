import L from "leaflet";

const OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

function meta(name: string): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content.trim() || undefined;
}

// Tiles are optional: `?tiles=<url template>` or <meta name="phu-song:tiles">
// picks another server, and "none" turns them off. Only http(s) templates are
// accepted so a crafted link cannot point images at another scheme.
export function tileTemplate(search = location.search): string | null {
  const chosen = new URLSearchParams(search).get("tiles") ?? meta("phu-song:tiles") ?? OSM_TILES;
  if (chosen === "none" || chosen === "") return null;
  return /^https?:\/\/.+\{z\}.*\{x\}.*\{y\}/.test(chosen) ? chosen : OSM_TILES;
}

export function createMap(container: HTMLElement): L.Map {
  const animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Canvas keeps thousands of circle markers as one element instead of
  // thousands of DOM nodes; the boundaries, villages and stations share it.
  return L.map(container, {
    preferCanvas: true,
    zoomSnap: 0.25,
    minZoom: 6,
    maxZoom: 18,
    fadeAnimation: animate,
    zoomAnimation: animate,
    markerZoomAnimation: animate,
  });
}

// A failing tile server must not break anything or flood the page: the first
// error raises one quiet notice, and a later successful tile clears it.
export function addTiles(map: L.Map, onAvailability: (available: boolean) => void): L.TileLayer | null {
  const template = tileTemplate();
  if (!template) return null;
  const layer = L.tileLayer(template, {
    maxZoom: 19,
    attribution: template === OSM_TILES ? OSM_ATTRIBUTION : (meta("phu-song:tiles-attribution") ?? ""),
  });
  let available: boolean | undefined;
  const report = (now: boolean) => {
    if (now === available) return;
    available = now;
    onAvailability(now);
  };
  layer.on("tileerror", () => report(false));
  layer.on("tileload", () => report(true));
  layer.addTo(map);
  return layer;
}
