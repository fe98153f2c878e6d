import type { InferResponseType } from "hono/client";
import L from "leaflet";
import { answer, client, type Village } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { et } from "../i18n/evidence.ts";
import { onLocaleChange, techLabel } from "../i18n/index.ts";
import { errorView } from "../panels/status.ts";
import { type Store, unitQuery } from "../state.ts";

const siting = client.api.v1.siting.suggestions;
type Siting = InferResponseType<typeof siting.$get, 200>;

// Dark, unlike any coverage colour, so a suggestion never reads as a village.
const SITE_COLOR = "#1b2430";
const MAX_SITES = "20";

// Where new stations would cover the most villages without signal, drawn on
// demand: each site with its nominal reach and, on click, what it would cover.
// Read-only, like the API behind it.
export function createSitingLayer(map: L.Map, store: Store, villageOf: (code: string) => Village | undefined) {
  const toggle = byId<HTMLInputElement>("f-siting");
  const status = byId("siting-status");
  const layer = L.featureGroup();
  let last: Siting | undefined;
  let generation = 0;

  function popup(site: Siting["suggestions"][number], rank: number): HTMLElement {
    return el(
      "div",
      { className: "siting-popup", "data-rank": rank },
      el("h3", {}, et("siting.popupTitle", { rank })),
      el("p", {}, et("siting.popupCovers", { n: site.covers.length, households: site.households })),
      el(
        "ul",
        {},
        site.covers.map((code) => el("li", { "data-village": code }, villageOf(code)?.name ?? code)),
      ),
      el("p", { className: "muted small" }, et("siting.popupNote")),
    );
  }

  function draw(result: Siting): void {
    layer.clearLayers();
    result.suggestions.forEach((site, i) => {
      L.circle([site.lat, site.lon], {
        radius: result.range_km * 1000,
        color: SITE_COLOR,
        weight: 1.5,
        dashArray: "6 4",
        fillColor: SITE_COLOR,
        fillOpacity: 0.06,
        interactive: false,
      }).addTo(layer);
      L.circleMarker([site.lat, site.lon], {
        radius: 7,
        color: "#ffffff",
        weight: 2,
        fillColor: SITE_COLOR,
        fillOpacity: 1,
      })
        .bindPopup(() => popup(site, i + 1), { className: "siting-popup-wrap" })
        .addTo(layer);
    });
  }

  function summarize(): void {
    if (!last) return;
    status.dataset.sites = String(last.suggestions.length);
    replaceChildren(
      status,
      last.suggestions.length === 0
        ? et("siting.none")
        : et("siting.summary", {
            sites: last.suggestions.length,
            covered: last.villages_covered_by_suggestions,
            total: last.villages_uncovered,
            tech: techLabel(last.tech),
            km: last.range_km,
          }),
    );
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    status.hidden = false;
    delete status.dataset.sites;
    replaceChildren(status, et("siting.loading"));
    try {
      const result = await answer(siting.$get({ query: { ...unitQuery(store.get().unit), max_sites: MAX_SITES } }));
      if (mine !== generation || !toggle.checked) return;
      last = result;
      draw(result);
      layer.addTo(map);
      summarize();
    } catch (error) {
      if (mine === generation)
        replaceChildren(
          status,
          errorView(error, () => void load()),
        );
    }
  }

  function hide(): void {
    generation++;
    last = undefined;
    delete status.dataset.sites;
    layer.remove();
    status.hidden = true;
  }

  toggle.addEventListener("change", () => (toggle.checked ? void load() : hide()));
  store.subscribe((state, previous) => {
    if (toggle.checked && (state.unit.code !== previous.unit.code || state.unit.era !== previous.unit.era)) {
      void load();
    }
  });
  onLocaleChange(summarize);
}
