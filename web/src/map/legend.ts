import L from "leaflet";
import { el, replaceChildren } from "../dom.ts";
import { et } from "../i18n/evidence.ts";
import { onLocaleChange, t, techLabel } from "../i18n/index.ts";
import { colorOf, operators } from "../operators.ts";
import { STALE_OPACITY, VERIFIED_RING } from "./evidence.ts";
import { NO_SIGNAL_COLOR, TECH_COLORS, TWO_G_COLOR, UNKNOWN_COLOR } from "./style.ts";

function swatch(style: string): HTMLElement {
  return el("span", { className: "swatch", style, "aria-hidden": "true" });
}

function diamond(style: string): HTMLElement {
  return el("span", { className: "swatch swatch-diamond", style, "aria-hidden": "true" });
}

function legendBody(): HTMLElement[] {
  const techs = (["5g", "4g", "3g"] as const).map((tech) =>
    el("li", {}, swatch(`background:${TECH_COLORS[tech]}`), t("legend.best", { tech: techLabel(tech) })),
  );
  return [
    el(
      "ul",
      {},
      el(
        "li",
        {},
        swatch(
          `background:${NO_SIGNAL_COLOR};width:14px;height:14px;border:2px solid #fff;box-shadow:0 0 0 1px ${NO_SIGNAL_COLOR}`,
        ),
        t("legend.none"),
      ),
      el("li", {}, swatch(`background:${TWO_G_COLOR};border:1.5px solid #7a5200`), t("legend.2gOnly")),
      techs,
      el("li", {}, swatch(`background:${TECH_COLORS["4g"]};opacity:.45`), t("legend.weak")),
      el(
        "li",
        {},
        swatch(`background:${TECH_COLORS["4g"]};border:2px solid ${VERIFIED_RING}`),
        et("evidence.legendVerified"),
      ),
      el("li", {}, swatch(`background:${TECH_COLORS["4g"]};opacity:${STALE_OPACITY}`), et("evidence.legendStale")),
      el("li", {}, swatch(`background:transparent;border:2px dashed ${UNKNOWN_COLOR}`), t("legend.unknown")),
      el("li", {}, swatch("background:#f6f3ea;border:1px solid #8a96a3;border-radius:2px"), t("legend.boundary")),
    ),
  ];
}

function stationLegend(): HTMLElement[] {
  return [
    el(
      "ul",
      { className: "legend-stations" },
      el("li", {}, t("legend.stations")),
      operators()
        .filter((o) => o.stations_total > 0)
        .map((o) => el("li", {}, diamond(`background:${colorOf(o.operator_id)}`), o.name)),
      el("li", {}, diamond("background:#555;border:1px solid #1f2937"), t("legend.stationOnAir")),
      el("li", {}, diamond("background:#fff;border:2px dashed #555"), t("legend.stationPlanned")),
      el("li", {}, diamond("background:#555;border:2.5px solid #8b0000"), t("legend.stationOutage")),
    ),
  ];
}

// A collapsible legend: open by default on wide screens, folded on phones
// where it would cover most of the map.
export function addLegend(map: L.Map): { showStations(show: boolean): void } {
  const summary = el("summary", {});
  const content = el("div", {});
  const stations = el("div", {});
  const box = el(
    "details",
    { className: "legend", open: window.matchMedia("(min-width: 48rem)").matches },
    summary,
    content,
    stations,
  );
  let withStations = false;
  const render = () => {
    summary.textContent = t("legend.title");
    replaceChildren(content, legendBody());
    replaceChildren(stations, withStations ? stationLegend() : []);
  };
  render();
  onLocaleChange(render);
  const control = new L.Control({ position: "bottomright" });
  control.onAdd = () => {
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  control.addTo(map);
  return {
    showStations(show) {
      withStations = show;
      render();
    },
  };
}
