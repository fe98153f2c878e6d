import L from "leaflet";
import { type MapVillage, mapVillages, type VillageFilters } from "../api.ts";
import { COVERAGE_ORDER, villageStyle } from "./style.ts";

export type VillagesLayer = {
  // Resolves with the villages drawn; a newer load supersedes an older one,
  // whose promise then rejects with an AbortError.
  load(filters: VillageFilters): Promise<MapVillage[]>;
  drawn(): readonly MapVillage[];
  // Where a drawn village is, for the page's test hook.
  latLng(code: string): L.LatLng | undefined;
};

// Leaflet makes every vector marker an object with its own events, projection
// and draw call: a country's 100,000 villages took over a second that way. The
// villages are instead dots on one canvas of their own, drawn in one path per
// style, in a pane above the boundaries and stations (whose shared canvas
// keeps their own clicks): a click on the map is offered to the dots first.
const PANE = "villages";
// Like Leaflet's renderers, the canvas reaches half a screen past each edge,
// so that a pan shows no blank border before the redraw at its end.
const PADDING = 0.5;
// Pixels around a dot that still count as clicking it: small dots are hard to hit.
const CLICK_SLACK = 2;

type Group = { style: L.CircleMarkerOptions; villages: MapVillage[] };

const styleKey = (v: MapVillage) => `${v.coverage_state}|${v.best_tech}|${v.evidence.state}|${v.evidence.stale}`;

function groupsOf(rows: MapVillage[]): Group[] {
  const groups = new Map<string, Group>();
  for (const v of rows) {
    const key = styleKey(v);
    const group = groups.get(key);
    if (group) group.villages.push(v);
    else groups.set(key, { style: villageStyle(v), villages: [v] });
  }
  // Drawing order: later is on top, so the villages without signal come last.
  return [...groups.values()].sort(
    (a, b) =>
      COVERAGE_ORDER[(a.villages[0] as MapVillage).coverage_state] -
      COVERAGE_ORDER[(b.villages[0] as MapVillage).coverage_state],
  );
}

function dashOf(style: L.CircleMarkerOptions): number[] {
  const dash = style.dashArray;
  if (dash === undefined) return [];
  return typeof dash === "string" ? dash.split(/[ ,]+/).map(Number) : dash;
}

// The path's circles filled and outlined as Leaflet would one marker.
function paint(ctx: CanvasRenderingContext2D, style: L.CircleMarkerOptions): void {
  if (style.fill !== false) {
    ctx.globalAlpha = style.fillOpacity ?? 0.2;
    ctx.fillStyle = style.fillColor ?? style.color ?? "#3388ff";
    ctx.fill();
  }
  const weight = style.weight ?? 3;
  if (style.stroke !== false && weight > 0) {
    ctx.globalAlpha = style.opacity ?? 1;
    ctx.lineWidth = weight;
    ctx.strokeStyle = style.color ?? "#3388ff";
    ctx.setLineDash(dashOf(style));
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

export function createVillagesLayer(map: L.Map, onClick: (village: MapVillage) => void): VillagesLayer {
  const pane = map.createPane(PANE);
  // Above the overlay pane (400) with the boundaries and stations, below
  // markers (600) and popups (700). Clicks go through to the shared canvas;
  // the dots take theirs in the capture phase below.
  pane.style.zIndex = "450";
  pane.style.pointerEvents = "none";
  const canvas = L.DomUtil.create("canvas", "villages-canvas", pane);
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;

  let groups: Group[] = [];
  let drawn: MapVillage[] = [];
  let byCode = new Map<string, MapVillage>();
  // Each drawn village's layer point and clickable radius, in drawing order,
  // valid for the zoom and pixel origin they were projected at.
  let points = new Float64Array(0);
  let reach = new Float32Array(0);
  let projectedAt = "";
  let controller: AbortController | undefined;

  const view = () => `${map.getZoom()}|${map.getPixelOrigin().toString()}`;

  function project(): void {
    if (projectedAt === view()) return;
    points = new Float64Array(drawn.length * 2);
    reach = new Float32Array(drawn.length);
    let i = 0;
    for (const group of groups) {
      const r = (group.style.radius ?? 10) + (group.style.weight ?? 3) / 2 + CLICK_SLACK;
      for (const v of group.villages) {
        const p = map.latLngToLayerPoint([v.lat, v.lon]);
        points[2 * i] = p.x;
        points[2 * i + 1] = p.y;
        reach[i] = r;
        i++;
      }
    }
    projectedAt = view();
  }

  function redraw(): void {
    const size = map.getSize();
    const pad = size.multiplyBy(PADDING).round();
    const topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1)).round();
    const box = size.add(pad.multiplyBy(2));
    const ratio = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(canvas, topLeft);
    canvas.width = Math.round(box.x * ratio);
    canvas.height = Math.round(box.y * ratio);
    canvas.style.width = `${box.x}px`;
    canvas.style.height = `${box.y}px`;
    canvas.style.visibility = "visible";
    ctx.setTransform(ratio, 0, 0, ratio, -topLeft.x * ratio, -topLeft.y * ratio);
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    project();
    let i = 0;
    for (const group of groups) {
      const r = group.style.radius ?? 10;
      ctx.beginPath();
      for (let n = 0; n < group.villages.length; n++, i++) {
        const x = points[2 * i] as number;
        const y = points[2 * i + 1] as number;
        if (x < topLeft.x - r || y < topLeft.y - r || x > topLeft.x + box.x + r || y > topLeft.y + box.y + r) continue;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
      paint(ctx, group.style);
    }
  }

  // Redraws are folded into the next frame: a zoom ends with both zoomend
  // and moveend.
  let frame = 0;
  const schedule = () => {
    if (frame === 0)
      frame = requestAnimationFrame(() => {
        frame = 0;
        redraw();
      });
  };
  map.on("moveend zoomend viewreset resize", schedule);
  // The dots are not scaled through a zoom animation: hidden until it ends.
  map.on("zoomstart", () => {
    canvas.style.visibility = "hidden";
  });

  // The topmost dot under a point of the map, if any: last drawn, first found.
  function villageAt(container: L.Point): MapVillage | undefined {
    project();
    const p = map.containerPointToLayerPoint(container);
    for (let i = drawn.length - 1; i >= 0; i--) {
      const dx = (points[2 * i] as number) - p.x;
      const dy = (points[2 * i + 1] as number) - p.y;
      const r = reach[i] as number;
      if (dx * dx + dy * dy <= r * r) return drawn[i];
    }
    return undefined;
  }

  // Leaflet's drag handler knows whether the press became a drag; its types
  // leave moved() out.
  const dragged = () => (map.dragging as L.Handler & { moved?: () => boolean }).moved?.() === true;
  const container = map.getContainer();
  container.addEventListener(
    "click",
    (event) => {
      const target = event.target as Element;
      // Popups and controls sit above the dots; a drag that ends on a dot is
      // not a click on it.
      if (target.closest(".leaflet-popup, .leaflet-control") || dragged()) return;
      const village = villageAt(map.mouseEventToContainerPoint(event));
      if (!village) return;
      event.stopPropagation();
      onClick(village);
    },
    true,
  );

  function draw(rows: MapVillage[]): void {
    groups = groupsOf(rows);
    drawn = groups.flatMap((g) => g.villages);
    byCode = new Map(drawn.map((v) => [v.code, v]));
    projectedAt = "";
    redraw();
  }

  return {
    async load(filters) {
      controller?.abort();
      controller = new AbortController();
      draw(await mapVillages(filters, controller.signal));
      return drawn;
    },
    drawn: () => drawn,
    latLng(code) {
      const v = byCode.get(code);
      return v ? L.latLng(v.lat, v.lon) : undefined;
    },
  };
}
