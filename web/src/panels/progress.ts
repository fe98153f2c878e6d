import { isAbort, type Progress, progress, progressHistory } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { formatDateTime, formatNumber, formatPercent, onLocaleChange, t, techLabel } from "../i18n/index.ts";
import { TECH_COLORS } from "../map/style.ts";
import { rememberOperators } from "../operators.ts";
import { type SelectedUnit, unitQuery } from "../state.ts";
import { historyChart } from "./chart.ts";
import { emptyView, errorView, loadingView } from "./status.ts";

export function figuresView(p: Progress): HTMLElement {
  const maxWith = Math.max(1, ...p.by_technology.map((x) => x.villages_with));
  return el(
    "div",
    { className: "figures", "data-unit": p.unit.code },
    el("h3", { className: "figures-unit" }, p.unit.full_name),
    p.villages_total === 0
      ? emptyView(t("progress.noVillages"))
      : el(
          "div",
          { className: "headline" },
          el(
            "p",
            { className: "headline-pct" },
            el(
              "strong",
              { id: "progress-pct", "data-value": String(p.coverage_pct) },
              formatPercent(p.coverage_pct ?? 0),
            ),
            el("span", {}, t("progress.share")),
          ),
          el(
            "p",
            { className: "headline-left", id: "progress-left", "data-value": String(p.villages_uncovered) },
            t("progress.left", { n: p.villages_uncovered }),
          ),
          el(
            "ul",
            { className: "headline-facts" },
            el("li", {}, t("progress.covered", { covered: p.villages_covered, total: p.villages_total })),
            p.villages_unknown > 0 && el("li", {}, t("progress.unknown", { n: p.villages_unknown })),
            el("li", {}, t("progress.stations", { onAir: p.stations_on_air, total: p.stations_total })),
          ),
        ),
    !p.scope.complete &&
      el(
        "p",
        { className: "note", role: "note" },
        t("progress.scope", { with: p.scope.communes_with_villages, total: p.scope.communes_total }),
      ),
    el("h4", {}, t("progress.byOperator")),
    el(
      "div",
      { className: "table-scroll" },
      el(
        "table",
        { className: "compact" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            el("th", { scope: "col" }, t("progress.colOperator")),
            el("th", { scope: "col", className: "num" }, t("progress.colVillages")),
            el("th", { scope: "col", className: "num" }, t("progress.colStations")),
          ),
        ),
        el(
          "tbody",
          {},
          p.by_operator.map((o) =>
            el(
              "tr",
              {},
              el("th", { scope: "row" }, o.name),
              el("td", { className: "num" }, formatNumber(o.villages_covered)),
              el("td", { className: "num" }, `${formatNumber(o.stations_on_air)} / ${formatNumber(o.stations_total)}`),
            ),
          ),
        ),
      ),
    ),
    el("h4", {}, t("progress.byTech")),
    el(
      "ul",
      { className: "bars" },
      p.by_technology.map((x) =>
        el(
          "li",
          {},
          el("span", { className: "bar-label" }, techLabel(x.tech)),
          el(
            "span",
            { className: "bar-track", "aria-hidden": "true" },
            el("span", {
              className: "bar-fill",
              style: `width:${(x.villages_with / maxWith) * 100}%;background:${TECH_COLORS[x.tech]}`,
            }),
          ),
          el(
            "span",
            { className: "bar-value" },
            `${t("progress.colWith")} ${formatNumber(x.villages_with)} · ${t("progress.colBest")} ${formatNumber(x.villages_best)}`,
          ),
        ),
      ),
    ),
    el("p", { className: "muted small" }, t("progress.asOf", { time: formatDateTime(p.as_of) })),
  );
}

export function createProgressPanel() {
  const figures = byId("progress-figures");
  const history = byId("progress-history");
  let unit: SelectedUnit | undefined;
  let last: Progress | undefined;
  let disposeChart: (() => void) | undefined;
  let generation = 0;

  async function loadHistory(u: SelectedUnit, mine: number) {
    disposeChart?.();
    disposeChart = undefined;
    replaceChildren(history, loadingView());
    try {
      const q = unitQuery(u);
      const points = await progressHistory(q.unit, q.as_of);
      if (mine !== generation) return;
      if (points.length === 0) {
        replaceChildren(history, emptyView(t("progress.noHistory")));
        return;
      }
      const box = el("div", { className: "chart", role: "img", "aria-label": t("progress.chartLabel") });
      replaceChildren(history, box);
      disposeChart = historyChart(box, points);
    } catch (error) {
      if (mine === generation && !isAbort(error))
        replaceChildren(
          history,
          errorView(error, () => loadHistory(u, mine)),
        );
    }
  }

  async function load(u: SelectedUnit): Promise<Progress | undefined> {
    unit = u;
    const mine = ++generation;
    if (!last) replaceChildren(figures, loadingView());
    figures.setAttribute("aria-busy", "true");
    void loadHistory(u, mine);
    try {
      const q = unitQuery(u);
      const p = await progress(q.unit, q.as_of);
      if (mine !== generation) return undefined;
      last = p;
      rememberOperators(p.by_operator);
      replaceChildren(figures, figuresView(p));
      return p;
    } catch (error) {
      if (mine === generation)
        replaceChildren(
          figures,
          errorView(error, () => load(u)),
        );
      return undefined;
    } finally {
      if (mine === generation) figures.removeAttribute("aria-busy");
    }
  }

  onLocaleChange(() => {
    if (last) replaceChildren(figures, figuresView(last));
    if (unit) void loadHistory(unit, generation);
  });

  return { load, refresh: () => (unit ? load(unit) : Promise.resolve(undefined)), last: () => last };
}
