import "../styles.css";
import {
  ApiProblem,
  authMe,
  type Me,
  networkProblem,
  type Progress,
  patchStation,
  progress,
  type Station,
  type StationStatus,
  type StationWriteResult,
  stationPage,
  stationVersioned,
  type Unit,
  units,
  village,
} from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import {
  coverageLabel,
  formatDateTime,
  formatPercent,
  onLocaleChange,
  statusLabel,
  t,
  techLabel,
} from "../i18n/index.ts";
import { setupLanguage } from "../i18n/toggle.ts";
import { STATION_STATUSES } from "../map/style.ts";
import { operatorName, rememberOperators } from "../operators.ts";
import { emptyView, errorView, loadingView } from "../panels/status.ts";
import { describeFailure, type Failure } from "./messages.ts";

const TOKEN_KEY = "phu-song.token";
const PAGE_SIZE = "50";

const unitCode = document.querySelector<HTMLMetaElement>('meta[name="phu-song:unit"]')?.content ?? "";

type Session = { token: string; me: Me; operatorId: string };
type Outcome = { kind: "ok"; station: Station; changes: HTMLElement[] } | { kind: "error"; failure: Failure };

let session: Session | undefined;
let rows: Station[] = [];
let total = 0;
let cursor: string | null = null;
let communeNames = new Map<string, string>();
let lastProgress: Progress | undefined;
let effect: { before?: Progress; after: Progress } | undefined;
let outcome: Outcome | undefined;
// The version the user saw when they began to change a station; a change sent
// with it is refused (412) if someone else changed the station in between.
const etags = new Map<string, Promise<string>>();

const signinSection = byId("signin");
const signinForm = byId<HTMLFormElement>("signin-form");
const tokenInput = byId<HTMLInputElement>("token");
const signinMessage = byId("signin-message");
const sessionSection = byId("session");
const sessionLabel = byId("session-label");
const pickField = byId("operator-pick-field");
const pick = byId<HTMLSelectElement>("operator-pick");
const effectSection = byId("effect");
const effectBody = byId("effect-body");
const stationsSection = byId("stations");
const stationsTitle = byId("stations-title");
const filterForm = byId<HTMLFormElement>("station-filter");
const filterStatus = byId<HTMLSelectElement>("filter-status");
const filterSite = byId<HTMLInputElement>("filter-site");
const stationMessage = byId("station-message");
const stationCount = byId("station-count");
const stationList = byId("station-list");
const moreButton = byId<HTMLButtonElement>("station-more");

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function storeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Without storage the session lasts until the page is left.
  }
}

function message(kind: "ok" | "error", ...body: Array<Node | string | null>): HTMLElement {
  return el("div", { className: `message message-${kind}`, role: kind === "error" ? "alert" : "status" }, ...body);
}

// ---------------------------------------------------------------- session

function signOut(reason?: string) {
  session = undefined;
  storeToken(null);
  etags.clear();
  rows = [];
  outcome = undefined;
  effect = undefined;
  signinSection.hidden = false;
  sessionSection.hidden = true;
  effectSection.hidden = true;
  stationsSection.hidden = true;
  replaceChildren(signinMessage, reason ? message("error", reason) : null);
  tokenInput.value = "";
  tokenInput.focus();
}

async function signIn(token: string) {
  replaceChildren(signinMessage, loadingView(t("op.signingIn")));
  let me: Me;
  try {
    me = await authMe(token);
  } catch (error) {
    storeToken(null);
    const bad = error instanceof ApiProblem && (error.status === 401 || error.status === 403);
    replaceChildren(signinMessage, bad ? message("error", t("op.badToken")) : errorView(error));
    return;
  }
  storeToken(token);
  replaceChildren(signinMessage);
  await loadProgress();
  const operatorId = me.operator_id ?? lastProgress?.by_operator[0]?.operator_id ?? "";
  session = { token, me, operatorId };
  signinSection.hidden = true;
  sessionSection.hidden = false;
  effectSection.hidden = false;
  stationsSection.hidden = false;
  renderSession();
  renderEffect();
  await loadStations(true);
}

function renderSession() {
  if (!session) return;
  const { me } = session;
  const role =
    me.role === "admin" ? t("op.role.admin") : t("op.role.operator", { operator: operatorName(me.operator_id ?? "") });
  sessionLabel.textContent = t("op.signedInAs", { label: me.label ? `${me.label} (${role})` : role });
  pickField.hidden = me.role !== "admin";
  if (me.role === "admin" && lastProgress) {
    replaceChildren(
      pick,
      lastProgress.by_operator.map((o) =>
        el("option", { value: o.operator_id, selected: o.operator_id === session?.operatorId }, o.name),
      ),
    );
  }
  stationsTitle.textContent = t("op.stations", { operator: operatorName(session.operatorId) });
}

// ---------------------------------------------------------------- effect

async function loadProgress(): Promise<Progress | undefined> {
  try {
    const p = await progress(unitCode);
    rememberOperators(p.by_operator);
    lastProgress = p;
    return p;
  } catch (error) {
    replaceChildren(
      effectBody,
      errorView(error, () => void loadProgress().then(renderEffect)),
    );
    return undefined;
  }
}

function renderEffect() {
  const p = effect?.after ?? lastProgress;
  if (!p) return;
  const before = effect?.before;
  const changed = before !== undefined && before.coverage_pct !== p.coverage_pct;
  replaceChildren(
    effectBody,
    el(
      "div",
      { className: "op-effect" },
      el(
        "p",
        { className: "headline-pct" },
        el("strong", { id: "progress-pct", "data-value": String(p.coverage_pct) }, formatPercent(p.coverage_pct ?? 0)),
        el("span", {}, t("progress.share")),
      ),
      el(
        "p",
        { className: "headline-left", id: "progress-left", "data-value": String(p.villages_uncovered) },
        t("progress.left", { n: p.villages_uncovered }),
      ),
      el("p", { className: "muted" }, p.unit.full_name),
    ),
    before &&
      el(
        "p",
        { id: "effect-delta" },
        changed
          ? t("op.effect", {
              before: formatPercent(before.coverage_pct ?? 0),
              after: formatPercent(p.coverage_pct ?? 0),
              left: p.villages_uncovered,
            })
          : t("op.effectSame", { pct: formatPercent(p.coverage_pct ?? 0), left: p.villages_uncovered }),
      ),
  );
}

// ---------------------------------------------------------------- stations

async function loadCommuneNames() {
  if (communeNames.size > 0) return;
  try {
    const list: Unit[] = await units({ level: "commune", era: "2025" });
    communeNames = new Map(list.map((u) => [u.code, u.full_name]));
  } catch {
    // Names are a courtesy; the codes still identify the communes.
  }
}

async function loadStations(reset: boolean) {
  if (!session) return;
  if (reset) {
    rows = [];
    cursor = null;
    replaceChildren(stationList, loadingView());
  }
  moreButton.disabled = true;
  try {
    const [page] = await Promise.all([
      stationPage({
        operator: session.operatorId,
        status: (filterStatus.value || undefined) as StationStatus | undefined,
        q: filterSite.value.trim() || undefined,
        limit: PAGE_SIZE,
        cursor: cursor ?? undefined,
      }),
      loadCommuneNames(),
    ]);
    rows = [...rows, ...page.data];
    total = page.total;
    cursor = page.next_cursor;
    renderStations();
  } catch (error) {
    replaceChildren(
      stationList,
      errorView(error, () => void loadStations(reset)),
    );
  } finally {
    moreButton.disabled = false;
  }
}

function renderFilter() {
  const value = filterStatus.value;
  replaceChildren(filterStatus, [
    el("option", { value: "" }, t("filters.all")),
    ...STATION_STATUSES.map((s) => el("option", { value: s }, statusLabel(s))),
  ]);
  filterStatus.value = value;
}

function versionOf(id: string): Promise<string> {
  let pending = etags.get(id);
  if (!pending) {
    pending = stationVersioned(id).then(({ body, etag }) => {
      replaceRow(body);
      return etag;
    });
    pending.catch(() => etags.delete(id));
    etags.set(id, pending);
  }
  return pending;
}

function replaceRow(station: Station) {
  const index = rows.findIndex((r) => r.id === station.id);
  if (index < 0) return;
  const before = rows[index];
  rows[index] = station;
  if (before?.status !== station.status || before?.version !== station.version) renderStations();
}

function stationRow(s: Station): HTMLElement {
  // The server judges the lifecycle (and names the legal next states when a
  // move is refused); the page offers every other status rather than keep a
  // second copy of the rule that could drift from it.
  const next = STATION_STATUSES.filter((status) => status !== s.status);
  const select = el(
    "select",
    { id: `next-${s.id}`, "aria-label": t("op.changeTo", { site: s.site_code }) },
    el("option", { value: "", selected: true }, t("op.choose")),
    next.map((status) => el("option", { value: status }, statusLabel(status))),
  );
  // Nothing is preselected, so a stray click on Save cannot change a station.
  const save = el(
    "button",
    { type: "button", className: "btn btn-small", "data-save": s.id, disabled: true },
    t("op.save"),
  );
  const begin = () => void versionOf(s.id).catch(() => undefined);
  select.addEventListener("focus", begin);
  select.addEventListener("change", () => {
    save.disabled = select.value === "";
    begin();
  });
  save.addEventListener("click", () => void change(s, select.value as StationStatus, save));
  return el(
    "tr",
    { "data-station": s.id, "data-status": s.status },
    el("th", { scope: "row" }, s.site_code, s.name ? el("div", { className: "muted small" }, s.name) : null),
    el("td", {}, s.commune_code ? (communeNames.get(s.commune_code) ?? s.commune_code) : "—"),
    el("td", {}, s.technologies.map(techLabel).join(", ")),
    el("td", {}, el("span", { className: `status-pill status-${s.status}` }, statusLabel(s.status))),
    el("td", {}, formatDateTime(s.updated_at)),
    el("td", {}, el("div", { className: "op-change" }, select, save)),
  );
}

function renderStations() {
  renderOutcome();
  stationCount.textContent = t("op.count", { shown: rows.length, total });
  moreButton.hidden = cursor === null;
  if (rows.length === 0) {
    replaceChildren(stationList, emptyView(t("op.empty")));
    return;
  }
  replaceChildren(
    stationList,
    el(
      "div",
      { className: "table-scroll" },
      el(
        "table",
        { className: "data-table", id: "station-table" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col" }, t("op.colSite")),
            el("th", { scope: "col" }, t("op.colCommune")),
            el("th", { scope: "col" }, t("op.colTech")),
            el("th", { scope: "col" }, t("op.colStatus")),
            el("th", { scope: "col" }, t("op.colUpdated")),
            el("th", { scope: "col" }, t("op.colChange")),
          ),
        ),
        el("tbody", {}, rows.map(stationRow)),
      ),
    ),
  );
}

function renderOutcome() {
  if (!outcome) {
    replaceChildren(stationMessage);
    return;
  }
  if (outcome.kind === "ok") {
    replaceChildren(
      stationMessage,
      message(
        "ok",
        el("p", {}, t("op.saved", { site: outcome.station.site_code, status: statusLabel(outcome.station.status) })),
        outcome.changes.length > 0 ? el("ul", { className: "detail-list" }, outcome.changes) : null,
      ),
    );
    return;
  }
  const { headline, details } = describeFailure(outcome.failure);
  replaceChildren(
    stationMessage,
    message("error", el("p", {}, el("strong", {}, headline)), ...details.map((d) => el("p", {}, d))),
  );
}

async function changeList(changes: StationWriteResult["coverage_changes"]) {
  // Names make the effect readable; a handful of lookups at most per change.
  const named = await Promise.all(
    changes.slice(0, 10).map(async (c) => ({
      ...c,
      name: await village(c.code).then(
        (v) => v.name,
        () => c.code,
      ),
    })),
  );
  return named.map((c) =>
    el(
      "li",
      { "data-village": c.code },
      el("a", { href: `./?village=${encodeURIComponent(c.code)}` }, c.name),
      `: ${c.from_state ? coverageLabel(c.from_state) : "—"} → ${coverageLabel(c.to_state)}`,
    ),
  );
}

async function change(station: Station, to: StationStatus, button: HTMLButtonElement) {
  if (!session) return;
  button.disabled = true;
  button.textContent = t("op.saving");
  const before = lastProgress;
  try {
    const etag = await versionOf(station.id);
    const result = await patchStation(station.id, etag, session.token, { status: to });
    const { coverage_changes, ...updated } = result.body;
    etags.set(station.id, Promise.resolve(result.etag));
    rows = rows.map((r) => (r.id === updated.id ? updated : r));
    outcome = { kind: "ok", station: updated, changes: await changeList(coverage_changes) };
    const after = await loadProgress();
    if (after) effect = { before, after };
    renderEffect();
    renderStations();
  } catch (error) {
    etags.delete(station.id);
    await onFailure(error, station, to);
  }
}

async function onFailure(failure: unknown, station: Station, to: StationStatus) {
  const error = failure instanceof ApiProblem ? failure : networkProblem(failure);
  if (error.status === 401) {
    signOut(t("op.unauthorized"));
    return;
  }
  let current = station;
  if (error.status === 412 || error.status === 409) {
    // Show the station, and the figures, as they are now, so the user
    // decides on fresh facts.
    try {
      current = (await stationVersioned(station.id)).body;
      replaceRow(current);
    } catch {
      // The failure message below still stands without the fresh copy.
    }
    const before = lastProgress;
    const after = await loadProgress();
    if (after) effect = { before, after };
    renderEffect();
  }
  outcome = { kind: "error", failure: { problem: error, station: current, from: station.status, to } };
  renderStations();
}

// ---------------------------------------------------------------- wiring

setupLanguage();
renderFilter();
signinForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (!token) {
    replaceChildren(signinMessage, message("error", t("op.tokenRequired")));
    tokenInput.focus();
    return;
  }
  void signIn(token);
});
byId("signout").addEventListener("click", () => signOut());
pick.addEventListener("change", () => {
  if (!session) return;
  session = { ...session, operatorId: pick.value };
  renderSession();
  void loadStations(true);
});
filterForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void loadStations(true);
});
moreButton.addEventListener("click", () => void loadStations(false));
onLocaleChange(() => {
  renderFilter();
  renderSession();
  renderEffect();
  if (session) renderStations();
});

const remembered = storedToken();
if (remembered) void signIn(remembered);
