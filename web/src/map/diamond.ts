import L from "leaflet";

// Leaflet 1.9's canvas renderer draws only circles for point markers. A
// station is drawn as a diamond instead so that it never reads as a village;
// this reaches into the renderer's internals (pinned Leaflet 1.9.4), and keeps
// the circle's hit test, which is close enough for a shape of this size.
type CanvasInternals = {
  _drawing: boolean;
  _ctx: CanvasRenderingContext2D;
  _fillStroke(ctx: CanvasRenderingContext2D, layer: L.Path): void;
};
type MarkerInternals = { _renderer: CanvasInternals; _point: L.Point; _radius: number; _empty(): boolean };

const DiamondMarker = L.CircleMarker.extend({
  _updatePath(this: L.CircleMarker & MarkerInternals) {
    const renderer = this._renderer;
    if (!renderer._drawing || this._empty()) return;
    const { x, y } = this._point;
    const r = Math.max(Math.round(this._radius * 1.25), 2);
    const ctx = renderer._ctx;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    renderer._fillStroke(ctx, this);
  },
});

// `extend` is typed as returning a constructor without arguments.
const Diamond = DiamondMarker as unknown as new (
  at: L.LatLngExpression,
  options: L.CircleMarkerOptions,
) => L.CircleMarker;

export function diamondMarker(at: L.LatLngExpression, options: L.CircleMarkerOptions): L.CircleMarker {
  return new Diamond(at, options);
}
