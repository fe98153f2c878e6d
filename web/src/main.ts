import "leaflet/dist/leaflet.css";
import "./styles.css";
import L from "leaflet";
import { isAbort, type MapVillage, progress, type Station, type Village, village } from "./api.ts";
import { byId, replaceChildren } from "./dom.ts";
import { setupEvidenceText } from "./i18n/evidence.ts";
import { onLocaleChange, t } from "./i18n/index.ts";
import { setupLanguage } from "./i18n/toggle.ts";
import { addTiles, createMap } from "./map/basemap.ts";
import { addBoundaries, type Boundaries } from "./map/boundaries.ts";
import { communePopupContent } from "./map/commune-popup.ts";
import { addLegend } from "./map/legend.ts";
import { createSearch } from "./map/search.ts";
import { createSitingLayer } from "./map/siting.ts";
import { createReach, stationPopupView } from "./map/station-popup.ts";
import { createStationsLayer } from "./map/stations.ts";
import { createVillagesLayer } from "./map/villages.ts";
import { colorOf, rememberOperators } from "./operators.ts";
import { createFilters, toSelected } from "./panels/filters.ts";
import { createProgressPanel } from "./panels/progress.ts";
import { createRemainingTable } from "./panels/remaining.ts";
import { errorView, loadingView } from "./panels/status.ts";
import { createTabs } from "./panels/tabs.ts";
import { villageDetailView } from "./panels/village-detail.ts";
import { createStore, type MapState, sameUnit, stationFilters, unitQuery, villageFilters } from "./state.ts";

const BOUNDARY_ATTRIBUTION =
  'Ranh giới: <a href="https://github.com/thanglequoc/vietnamese-provinces-database">vietnamese-provinces-database</a> (sapnhap.bando.com.vn)';
// Close enough to tell the houses of one village from the next.
const VILLAGE_ZOOM = 14;

type MapStateName = "loading" | "ready" | "error";

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

async function start() {
  setupLanguage();
  setupEvidenceText();
  // The list of villages needs the room of a table; the map gives some up
  // while the list is shown.
  const layout = byId("main");
  createTabs(byId("tabs"), (tab) => layout.classList.toggle("side-wide", tab === "tab-remaining"));

  const mapEl = byId("map");
  const mapStatus = byId("map-status");
  const mapCount = byId("map-count");
  const notice = byId("map-notice");
  const setMapState = (state: MapStateName, content?: HTMLElement) => {
    mapEl.dataset.state = state;
    mapStatus.hidden = state === "ready";
    replaceChildren(mapStatus, content ?? null);
  };
  setMapState("loading", loadingView(t("map.loading")));

  const map = createMap(mapEl);
  // The map's box changes with the panels beside it, not only with the window.
  new ResizeObserver(() => map.invalidateSize()).observe(mapEl);
  map.attributionControl.setPrefix(false).addAttribution(BOUNDARY_ATTRIBUTION);
  let boundaries: Boundaries | undefined;
  let tilesAvailable = false;
  addTiles(map, (available) => {
    tilesAvailable = available;
    notice.hidden = available;
    boundaries?.setTilesAvailable(available);
  });
  const legend = addLegend(map);

  // ---- popups
  let openVillageCode: string | undefined;
  // `moveFocus` is for a village chosen from the keyboard (table, search):
  // focus follows it into the popup, whose heading can take focus.
  async function openVillage(v: Pick<Village, "code" | "lat" | "lon">, moveFocus = false) {
    if (v.lat === null || v.lon === null) return;
    openVillageCode = v.code;
    // The map pans once, for the final content: Leaflet skips the pan that
    // follows its own autopan, which would leave the full popup cut off.
    const popup = L.popup({
      maxWidth: 420,
      minWidth: 260,
      maxHeight: 440,
      className: "village-popup",
      autoPan: false,
    })
      .setLatLng([v.lat, v.lon])
      .setContent(loadingView(t("village.loading")))
      .openOn(map);
    const settle = (content: HTMLElement) => {
      popup.options.autoPan = true;
      popup.setContent(content);
      const heading = content.querySelector("h2");
      if (moveFocus && heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    };
    const show = async () => {
      try {
        const detail = await village(v.code);
        if (openVillageCode !== v.code) return;
        lastDetail = detail;
        settle(villageDetailView(detail));
      } catch (error) {
        settle(errorView(error, show));
      }
    };
    await show();
  }
  let lastDetail: Awaited<ReturnType<typeof village>> | undefined;
  // Each fly-to opens its village when the map settles, unless a newer focus
  // or a closed popup has superseded it: a late moveend (a popup's own autopan,
  // a previous flight) must not reopen what the user just closed.
  let focusToken = 0;
  map.on("popupclose", () => {
    openVillageCode = undefined;
    lastDetail = undefined;
    focusToken++;
  });

  function focusVillage(v: Village, moveFocus = false) {
    if (v.lat === null || v.lon === null) return;
    const target = L.latLng(v.lat, v.lon);
    const zoom = Math.max(map.getZoom(), VILLAGE_ZOOM);
    const token = ++focusToken;
    map.once("moveend", () => {
      if (token === focusToken) void openVillage(v, moveFocus);
    });
    if (reducedMotion()) map.setView(target, zoom, { animate: false });
    else map.flyTo(target, zoom, { duration: 0.8 });
  }

  const reach = createReach(map);
  function openStation(station: Station, marker: L.CircleMarker) {
    L.popup({ maxWidth: 320, className: "station-popup" })
      .setLatLng(marker.getLatLng())
      .setContent(stationPopupView(station, reach))
      .openOn(map);
  }

  // The unit's figures are asked for while the boundaries load and draw: the
  // villages wait for both.
  const initialCode =
    new URLSearchParams(location.search).get("unit") ??
    document.querySelector<HTMLMetaElement>('meta[name="phu-song:unit"]')?.content ??
    "";
  const firstProgress = progress(initialCode);
  firstProgress.catch(() => undefined);

  // ---- layers
  try {
    boundaries = await addBoundaries(map, (feature, at) => {
      const popup = L.popup({ maxWidth: 300, className: "commune-popup" })
        .setLatLng(at)
        .setContent(loadingView())
        .openOn(map);
      void communePopupContent(feature.properties.code, (p) => {
        map.closePopup(popup);
        void filters.show(p.unit);
      }).then((content) => popup.setContent(content));
    });
    boundaries.setTilesAvailable(tilesAvailable);
    map.fitBounds(boundaries.bounds);
  } catch (error) {
    // Without the boundary file the villages still make a usable map.
    console.warn("boundaries unavailable", error);
  }

  const villages = createVillagesLayer(map, (v) => void openVillage(v));
  const stations = createStationsLayer(map, colorOf, openStation);

  // ---- state
  let first: Awaited<ReturnType<typeof progress>>;
  try {
    first = await firstProgress;
  } catch (error) {
    setMapState(
      "error",
      errorView(error, () => location.reload()),
    );
    return;
  }
  rememberOperators(first.by_operator);
  const store = createStore({
    unit: first.unit,
    operator: "",
    tech: "",
    coverage: "",
    stations: false,
    status: "",
  });

  const progressPanel = createProgressPanel();
  const table = createRemainingTable((v) => focusVillage(v, true));
  // Suggested sites cover villages without signal: the table lists them all.
  createSitingLayer(map, store, (code) => table.village(code));
  const filters = createFilters(store, () => progressPanel.last()?.by_technology ?? first.by_technology);

  function fitToUnit(state: MapState, drawn: readonly MapVillage[]) {
    const { unit } = state;
    const polygon = unit.era === "2025" && unit.level === "commune" ? boundaries?.communeBounds(unit.code) : undefined;
    boundaries?.highlight(polygon ? unit.code : undefined);
    if (polygon) return map.fitBounds(polygon, { padding: [24, 24] });
    if (unit.level === "province" && boundaries) return map.fitBounds(boundaries.bounds);
    const points = drawn.map((v) => L.latLng(v.lat as number, v.lon as number));
    if (points.length > 0) map.fitBounds(L.latLngBounds(points), { padding: [32, 32], maxZoom: VILLAGE_ZOOM });
  }

  let villagesGeneration = 0;
  async function loadVillages(state: MapState, fit: boolean) {
    const mine = ++villagesGeneration;
    setMapState("loading", loadingView(t("map.loading")));
    try {
      const drawn = await villages.load(villageFilters(state));
      if (mine !== villagesGeneration) return;
      if (fit) fitToUnit(state, drawn);
      mapCount.textContent = drawn.length > 0 ? t("map.drawn", { n: drawn.length }) : t("map.noneInView");
      setMapState("ready");
    } catch (error) {
      if (isAbort(error) || mine !== villagesGeneration) return;
      setMapState(
        "error",
        errorView(error, () => void loadVillages(store.get(), fit)),
      );
    }
  }

  async function loadStations(state: MapState) {
    if (!state.stations) {
      stations.clear();
      reach.hide();
      legend.showStations(false);
      return;
    }
    legend.showStations(true);
    try {
      await stations.load(stationFilters(state), state.status === "decommissioned");
    } catch (error) {
      if (!isAbort(error))
        setMapState(
          "error",
          errorView(error, () => void loadStations(store.get())),
        );
    }
  }

  function loadTable(state: MapState) {
    void table.load({ ...unitQuery(state.unit), coverage: "none" }, villageFilters(state));
  }

  store.subscribe((state, previous) => {
    const unitChanged = !sameUnit(state.unit, previous.unit);
    if (unitChanged) {
      void progressPanel.load(state.unit);
      loadTable(state);
    } else {
      table.setMapFilters(villageFilters(state));
    }
    const villageFiltersChanged =
      unitChanged ||
      state.operator !== previous.operator ||
      state.tech !== previous.tech ||
      state.coverage !== previous.coverage;
    if (villageFiltersChanged) void loadVillages(state, unitChanged);
    const stationsChanged =
      unitChanged ||
      state.stations !== previous.stations ||
      state.status !== previous.status ||
      state.operator !== previous.operator ||
      state.tech !== previous.tech;
    if (stationsChanged) void loadStations(state);
  });

  // The figures are live: coming back to a tab left open refreshes them.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") void progressPanel.refresh();
  });

  onLocaleChange(() => {
    const drawn = villages.drawn().length;
    mapCount.textContent = drawn > 0 ? t("map.drawn", { n: drawn }) : t("map.noneInView");
    if (mapEl.dataset.state === "loading") setMapState("loading", loadingView(t("map.loading")));
    if (lastDetail)
      map.eachLayer((layer) => {
        if (layer instanceof L.Popup && lastDetail) layer.setContent(villageDetailView(lastDetail));
      });
  });

  createSearch({
    village: (v) => focusVillage(v, true),
    unit: (u) => void filters.show(toSelected(u)),
  });

  const pagePoint = (at: L.LatLng | undefined) => {
    if (!at) return null;
    const point = map.latLngToContainerPoint(at);
    const box = mapEl.getBoundingClientRect();
    return { x: box.left + point.x, y: box.top + point.y };
  };

  // Test hook: read-only facts about what the map draws, for the end-to-end
  // tests and for anyone checking the page from the console.
  Object.defineProperty(window, "phuSong", {
    value: Object.freeze({
      get state() {
        return mapEl.dataset.state;
      },
      get uncoveredCodes() {
        return villages
          .drawn()
          .filter((v) => v.coverage_state === "none")
          .map((v) => v.code);
      },
      get drawnVillages() {
        return villages.drawn().length;
      },
      get drawnStations() {
        return stations.drawn().length;
      },
      get view() {
        const c = map.getCenter();
        return { lat: c.lat, lon: c.lng, zoom: map.getZoom() };
      },
      // Where a drawn village or station is on the page, so a test can click the canvas.
      markerPoint(code: string) {
        return pagePoint(villages.latLng(code));
      },
      stationPoint(id: string) {
        return pagePoint(stations.marker(id)?.getLatLng());
      },
    }),
  });

  await Promise.all([
    loadVillages(store.get(), false),
    progressPanel.load(store.get().unit),
    filters.init(store.get().unit),
  ]);
  loadTable(store.get());

  // `?village=<code>` opens on one village (the operators' page links here).
  const wanted = new URLSearchParams(location.search).get("village");
  if (wanted) {
    try {
      focusVillage(await village(wanted));
    } catch (error) {
      setMapState("error", errorView(error));
    }
  }
}

void start();
