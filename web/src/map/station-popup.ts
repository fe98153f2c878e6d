import L from "leaflet";
import { type CoverageConfig, coverageConfig, type Station, type Tech } from "../api.ts";
import { el } from "../dom.ts";
import { formatDate, formatList, formatNumber, statusLabel, t, techLabel } from "../i18n/index.ts";
import { colorOf, operatorName } from "../operators.ts";
import { errorView } from "../panels/status.ts";

type Ring = { tech: Tech; km: number };

// One reach is shown at a time: asking for another station's replaces it.
export function createReach(map: L.Map) {
  const layer = L.layerGroup().addTo(map);
  let config: Promise<CoverageConfig> | undefined;
  let shownFor: string | undefined;

  async function show(station: Station): Promise<Ring[]> {
    config ??= coverageConfig().catch((error: unknown) => {
      config = undefined;
      throw error;
    });
    const { ranges_km } = await config;
    layer.clearLayers();
    shownFor = station.id;
    // Widest first so the narrower technologies stay visible inside it.
    const rings = station.technologies
      .map((tech) => ({ tech, km: ranges_km[tech] }))
      .filter((r): r is Ring => typeof r.km === "number")
      .sort((a, b) => b.km - a.km);
    for (const ring of rings) {
      L.circle([station.lat, station.lon], {
        radius: ring.km * 1000,
        interactive: false,
        color: colorOf(station.operator_id),
        weight: 1.5,
        dashArray: "6 4",
        fillOpacity: 0.06,
      }).addTo(layer);
    }
    return rings;
  }

  function hide() {
    layer.clearLayers();
    shownFor = undefined;
  }

  return { show, hide, shownFor: () => shownFor };
}

export type Reach = ReturnType<typeof createReach>;

export function stationPopupView(station: Station, reach: Reach): HTMLElement {
  const note = el("p", { className: "muted", role: "status" });
  const button = el("button", { type: "button", className: "btn btn-small" });
  const label = () => {
    button.textContent = reach.shownFor() === station.id ? t("station.hideReach") : t("station.showReach");
    button.setAttribute("aria-pressed", String(reach.shownFor() === station.id));
  };
  button.addEventListener("click", async () => {
    if (reach.shownFor() === station.id) {
      reach.hide();
      note.replaceChildren();
      label();
      return;
    }
    button.disabled = true;
    try {
      const rings = await reach.show(station);
      const ranges = rings.map((r) => `${techLabel(r.tech)} ${formatNumber(r.km)} km`);
      note.replaceChildren(t("station.reachNote", { ranges: formatList(ranges) }));
    } catch (error) {
      note.replaceChildren(el("span", {}, t("station.reachUnavailable")), errorView(error));
    } finally {
      button.disabled = false;
      label();
    }
  });
  label();
  const row = (term: string, value: string | null) =>
    value === null ? null : el("div", {}, el("dt", {}, term), el("dd", {}, value));
  return el(
    "article",
    { className: "station-detail", "data-station": station.id },
    el("h2", {}, t("station.title", { site: station.site_code })),
    station.name ? el("p", { className: "muted" }, station.name) : null,
    el(
      "dl",
      { className: "facts" },
      row(t("station.operator"), operatorName(station.operator_id)),
      row(t("station.status"), statusLabel(station.status)),
      row(t("station.tech"), station.technologies.map(techLabel).join(", ")),
      row(t("station.planned"), station.planned_on_air_date ? formatDate(station.planned_on_air_date) : null),
      row(t("station.onAirSince"), station.on_air_at ? formatDate(station.on_air_at) : null),
    ),
    button,
    note,
  );
}
