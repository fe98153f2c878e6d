import "leaflet/dist/leaflet.css";
import "../styles.css";
import "./field.css";
import L from "leaflet";
import { VILLAGE_TIE_RADIUS_M } from "../../../worker/domain/evidence-rules.ts";
import { distanceMeters, type LatLon } from "../../../worker/domain/geo.ts";
import { normalizeName } from "../../../worker/domain/text.ts";
import { allVillages, progress, type Tech } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { et, setupEvidenceText } from "../i18n/evidence.ts";
import { formatDateTime, onLocaleChange, techLabel } from "../i18n/index.ts";
import { setupLanguage } from "../i18n/toggle.ts";
import { addTiles, createMap } from "../map/basemap.ts";
import {
  type CachedOperator,
  type CachedVillage,
  cachedVillages,
  deleteMeta,
  getMeta,
  type QueueItem,
  queueItems,
  type Reading,
  removeItem,
  saveItem,
  saveVillages,
  setMeta,
} from "./store.ts";
import { createSync } from "./sync.ts";

const UNIT = document.querySelector<HTMLMetaElement>('meta[name="phu-song:unit"]')?.content ?? "02";
const TOKEN = "token";
const OPERATORS = "operators";
const SEARCH_RESULTS = 8;

type Place = LatLon & { how: "gps" | "manual" | "village" | "map"; accuracy_m?: number; village?: string };

let villages: CachedVillage[] = [];
let place: Place | null = null;
let items: QueueItem[] = [];
let ready = false;

const netStatus = byId("net-status");
const cacheStatus = byId("cache-status");
const gpsStatus = byId("gps-status");
const latInput = byId<HTMLInputElement>("lat");
const lonInput = byId<HTMLInputElement>("lon");
const search = byId<HTMLInputElement>("village-search");
const results = byId<HTMLUListElement>("village-results");
const placeNote = byId("place-note");
const operatorSelect = byId<HTMLSelectElement>("operator");
const techSelect = byId<HTMLSelectElement>("tech");
const dbmInput = byId<HTMLInputElement>("dbm");
const noteInput = byId<HTMLInputElement>("note");
const tokenInput = byId<HTMLInputElement>("token");
const saveMessage = byId("save-message");
const queueSummary = byId("queue-summary");
const queueList = byId<HTMLUListElement>("queue-list");

// ---------------------------------------------------------------- network

function showNetwork(): void {
  netStatus.dataset.online = String(navigator.onLine);
  netStatus.textContent = et(navigator.onLine ? "field.online" : "field.offline");
}

// ---------------------------------------------------------------- villages

// Online, the province's villages and operators are fetched and kept on the
// device; offline, the kept copy is used. Either way the page works.
async function loadReference(): Promise<void> {
  try {
    const [rows, figures] = await Promise.all([allVillages({ unit: UNIT }), progress(UNIT)]);
    const located: CachedVillage[] = [];
    for (const v of rows) {
      if (v.lat !== null && v.lon !== null) {
        located.push({ code: v.code, name: v.name, lat: v.lat, lon: v.lon, commune_name: v.commune_name });
      }
    }
    await saveVillages(located);
    await setMeta(
      OPERATORS,
      figures.by_operator.map((o) => ({ operator_id: o.operator_id, name: o.name })),
    );
  } catch (error) {
    console.info("reference data from the device", error);
  }
  villages = await cachedVillages();
  const operators = (await getMeta<CachedOperator[]>(OPERATORS)) ?? [];
  const chosen = operatorSelect.value;
  replaceChildren(
    operatorSelect,
    operators.map((o) => el("option", { value: o.operator_id, selected: o.operator_id === chosen }, o.name)),
  );
  showCache();
}

function showCache(): void {
  cacheStatus.textContent =
    villages.length > 0 ? et("field.villagesCached", { n: villages.length }) : et("field.villagesMissing");
}

function nearest(p: LatLon): { village: CachedVillage; distance_m: number } | null {
  let best: { village: CachedVillage; distance_m: number } | null = null;
  for (const v of villages) {
    const d = distanceMeters(p, v);
    if (d <= VILLAGE_TIE_RADIUS_M && (!best || d < best.distance_m)) best = { village: v, distance_m: d };
  }
  return best;
}

// ---------------------------------------------------------------- place

let pickMap: L.Map | undefined;
let pickMarker: L.CircleMarker | undefined;

function setPlace(next: Place | null): void {
  place = next;
  if (next && next.how !== "manual") {
    latInput.value = next.lat.toFixed(6);
    lonInput.value = next.lon.toFixed(6);
  }
  showPlace();
  if (next && pickMap) {
    pickMarker ??= L.circleMarker([next.lat, next.lon], {
      radius: 9,
      color: "#0f3d3e",
      weight: 3,
      fillColor: "#ffbf47",
      fillOpacity: 1,
    }).addTo(pickMap);
    pickMarker.setLatLng([next.lat, next.lon]);
  }
}

function showPlace(): void {
  if (!place) {
    placeNote.textContent = "";
    return;
  }
  const lines: string[] = [];
  if (place.how === "gps" && place.accuracy_m !== undefined) {
    lines.push(et("field.gpsAccuracy", { m: Math.round(place.accuracy_m) }));
  }
  if (place.how === "village" && place.village) lines.push(et("field.pickedVillage", { name: place.village }));
  if (place.how === "map") lines.push(et("field.pickedMap"));
  const near = nearest(place);
  lines.push(
    near
      ? et("field.nearest", { name: near.village.name, m: Math.round(near.distance_m) })
      : et("field.nearestNone", { m: VILLAGE_TIE_RADIUS_M }),
  );
  placeNote.textContent = lines.join(" · ");
}

function useGps(): void {
  if (!("geolocation" in navigator)) {
    gpsStatus.textContent = et("field.gpsFailed", { reason: "—" });
    return;
  }
  gpsStatus.textContent = et("field.locating");
  navigator.geolocation.getCurrentPosition(
    (position) => {
      gpsStatus.textContent = "";
      setPlace({
        lat: position.coords.latitude,
        lon: position.coords.longitude,
        how: "gps",
        accuracy_m: position.coords.accuracy,
      });
    },
    (error) => {
      gpsStatus.textContent = et("field.gpsFailed", { reason: error.message || String(error.code) });
    },
    { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
  );
}

function manualPlace(): void {
  const lat = Number.parseFloat(latInput.value);
  const lon = Number.parseFloat(lonInput.value);
  setPlace(Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon, how: "manual" } : null);
}

function showResults(): void {
  const query = normalizeName(search.value);
  if (query === "") {
    results.hidden = true;
    return;
  }
  const found = villages.filter((v) => normalizeName(v.name).includes(query)).slice(0, SEARCH_RESULTS);
  replaceChildren(
    results,
    found.map((v) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            "data-village": v.code,
            onclick: () => {
              setPlace({ lat: v.lat, lon: v.lon, how: "village", village: v.name });
              search.value = v.name;
              results.hidden = true;
            },
          },
          v.name,
          v.commune_name ? el("span", { className: "muted small" }, ` · ${v.commune_name}`) : null,
        ),
      ),
    ),
  );
  results.hidden = found.length === 0;
}

// Without tiles (offline) the villages themselves are the map: a tap between
// them places the reading.
function drawPickMap(): void {
  const container = byId("pick-map");
  if (villages.length === 0) {
    container.hidden = true;
    return;
  }
  container.hidden = false;
  pickMap ??= createMap(container);
  addTiles(pickMap, () => undefined);
  const layer = L.featureGroup();
  for (const v of villages) {
    L.circleMarker([v.lat, v.lon], { radius: 2.5, color: "#4d5967", weight: 1, fillOpacity: 0.6 }).addTo(layer);
  }
  layer.addTo(pickMap);
  pickMap.fitBounds(layer.getBounds());
  pickMap.on("click", (event: L.LeafletMouseEvent) =>
    setPlace({ lat: event.latlng.lat, lon: event.latlng.lng, how: "map" }),
  );
}

// ---------------------------------------------------------------- capture

function level(): Reading["level"] {
  const checked = document.querySelector<HTMLInputElement>('input[name="level"]:checked');
  return (checked?.value ?? "none") as Reading["level"];
}

function say(text: string, ok: boolean): void {
  replaceChildren(saveMessage, el("span", { className: ok ? "message-ok" : "message-error" }, text));
}

async function capture(event: Event): Promise<void> {
  event.preventDefault();
  if (!place) return say(et("field.needPlace"), false);
  if (!operatorSelect.value) return say(et("field.needOperator"), false);
  const dbm = Number.parseInt(dbmInput.value, 10);
  const note = noteInput.value.trim();
  const reading: Reading = {
    lat: place.lat,
    lon: place.lon,
    operator_id: operatorSelect.value,
    tech: techSelect.value as Tech,
    level: level(),
    measured_at: new Date().toISOString(),
    signal_dbm: Number.isFinite(dbm) ? dbm : null,
    device_note: note || null,
  };
  const item: QueueItem = {
    key: crypto.randomUUID(),
    reading,
    staff: tokenInput.value.trim() !== "",
    created_at: reading.measured_at,
    state: "pending",
    attempts: 0,
    next_attempt_at: null,
    last_error: null,
    result: null,
  };
  // On the device first: the confirmation below means the reading survives
  // a closed page, a dead battery's last seconds, or no network for days.
  await saveItem(item);
  say(et("field.saved"), true);
  noteInput.value = "";
  dbmInput.value = "";
  await refreshQueue();
  void sync.run();
}

// ---------------------------------------------------------------- queue

function resultText(item: QueueItem): string {
  const r = item.result;
  if (!r) return "";
  if (!r.village) return et("field.result.noVillage");
  const name = r.village.name;
  const base =
    r.counts_as === "verification"
      ? et("field.result.verification", { name })
      : r.counts_as === "report"
        ? et("field.result.report", { name })
        : et("field.result.kept", { name });
  return r.challenge_opened ? `${base} ${et("field.result.challenge", { id: r.challenge_opened.id })}` : base;
}

function stateDetail(item: QueueItem): string {
  switch (item.state) {
    case "sent":
      return resultText(item);
    case "rejected":
      return item.last_error ?? "";
    default: {
      const parts: string[] = [];
      if (item.attempts > 0) parts.push(et("field.attempts", { n: item.attempts }));
      if (!navigator.onLine) parts.push(et("field.waitingNetwork"));
      else if (item.next_attempt_at)
        parts.push(et("field.nextAttempt", { time: formatDateTime(item.next_attempt_at) }));
      if (item.last_error) parts.push(item.last_error);
      return parts.join(" · ");
    }
  }
}

function itemView(item: QueueItem): HTMLElement {
  const r = item.reading;
  const operator = operatorSelect.querySelector(`option[value="${CSS.escape(r.operator_id)}"]`)?.textContent;
  return el(
    "li",
    { "data-key": item.key, "data-state": item.state },
    el(
      "div",
      {},
      el("span", { className: `queue-state queue-state-${item.state}` }, et(`field.state.${item.state}`)),
      " ",
      el("time", { datetime: r.measured_at }, formatDateTime(r.measured_at)),
    ),
    el(
      "div",
      {},
      `${operator ?? r.operator_id} · ${techLabel(r.tech)} · ${et(`field.level.${r.level}`)}`,
      el("span", { className: "muted small" }, ` · ${r.lat.toFixed(5)}, ${r.lon.toFixed(5)}`),
    ),
    el("div", { className: "muted small queue-detail" }, stateDetail(item)),
    item.state === "rejected" || item.state === "sent"
      ? el(
          "div",
          { className: "queue-actions" },
          item.state === "rejected" &&
            el(
              "button",
              { type: "button", className: "btn btn-small", onclick: () => void sync.retry(item.key) },
              et("field.retry"),
            ),
          el(
            "button",
            {
              type: "button",
              className: "btn btn-ghost btn-small",
              onclick: async () => {
                await removeItem(item.key);
                await refreshQueue();
              },
            },
            et("field.remove"),
          ),
        )
      : null,
  );
}

function renderQueue(): void {
  const count = (state: QueueItem["state"]) => items.filter((i) => i.state === state).length;
  queueSummary.textContent =
    items.length === 0
      ? et("field.queueEmpty")
      : et("field.queueSummary", {
          pending: count("pending") + count("sending"),
          sent: count("sent"),
          rejected: count("rejected"),
        });
  replaceChildren(queueList, [...items].reverse().map(itemView));
}

async function refreshQueue(): Promise<void> {
  items = await queueItems();
  renderQueue();
}

const sync = createSync({
  token: async () => (await getMeta<string>(TOKEN)) ?? undefined,
  changed: () => void refreshQueue(),
});

// ---------------------------------------------------------------- start

async function registerWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/field-sw.js", { scope: "/field", type: "module" });
  } catch (error) {
    console.warn("no offline support", error);
  }
}

function setupInstall(): void {
  const button = byId<HTMLButtonElement>("install");
  let deferred: (Event & { prompt(): Promise<void> }) | undefined;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event as Event & { prompt(): Promise<void> };
    button.hidden = false;
  });
  button.addEventListener("click", () => {
    void deferred?.prompt();
    button.hidden = true;
  });
}

async function start(): Promise<void> {
  setupLanguage();
  setupEvidenceText();
  setupInstall();
  showNetwork();
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", () => {
    showNetwork();
    renderQueue();
  });
  onLocaleChange(() => {
    showNetwork();
    showCache();
    showPlace();
    renderQueue();
  });

  byId("use-gps").addEventListener("click", useGps);
  latInput.addEventListener("change", manualPlace);
  lonInput.addEventListener("change", manualPlace);
  search.addEventListener("input", showResults);
  byId("capture").addEventListener("submit", (event) => void capture(event));
  byId("send-now").addEventListener("click", () => {
    for (const item of items) if (item.state === "pending") void sync.retry(item.key);
  });
  tokenInput.value = (await getMeta<string>(TOKEN)) ?? "";
  tokenInput.addEventListener("change", async () => {
    const token = tokenInput.value.trim();
    if (token) await setMeta(TOKEN, token);
    else await deleteMeta(TOKEN);
  });

  await Promise.all([refreshQueue(), loadReference(), registerWorker()]);
  drawPickMap();
  ready = true;
  document.body.dataset.ready = "true";
  void sync.run();
}

// Test hook: what the page holds, for the end-to-end tests and for anyone
// checking a phone's queue from the console.
Object.defineProperty(window, "phuSongField", {
  value: Object.freeze({
    get ready() {
      return ready;
    },
    get villages() {
      return villages.length;
    },
    queue: () => queueItems(),
  }),
});

void start();
