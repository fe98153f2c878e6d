import { allVillages, isAbort, type Village, type VillageFilters, villagesExportUrl } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { formatNumericDate, locale, onLocaleChange, t } from "../i18n/index.ts";
import type { MessageKey } from "../i18n/messages.ts";
import { operatorName } from "../operators.ts";
import { emptyView, errorView, loadingView } from "./status.ts";

type Column = {
  key: string;
  label: MessageKey;
  value(v: Village): string;
  // A second, quieter line under the value.
  detail?(v: Village): string | null;
  // Overdue sorts as a flag, dates as ISO strings: both compare as text.
  sortValue?(v: Village): string;
};

const COLUMNS: Column[] = [
  { key: "name", label: "table.village", value: (v) => v.name },
  { key: "commune", label: "table.commune", value: (v) => v.commune_name ?? "" },
  {
    key: "old",
    label: "table.oldUnit",
    value: (v) => v.old_commune_name ?? "",
    detail: (v) => v.old_district_name,
    sortValue: (v) => `${v.old_district_name ?? ""} ${v.old_commune_name ?? ""}`,
  },
  {
    key: "operator",
    label: "table.commitment",
    value: (v) => (v.commitment ? operatorName(v.commitment.operator_id) : t("table.noCommitment")),
  },
  {
    key: "target",
    label: "table.target",
    value: (v) => (v.commitment ? formatNumericDate(v.commitment.target_date) : "—"),
    sortValue: (v) => v.commitment?.target_date ?? "9999",
  },
  {
    key: "overdue",
    label: "table.overdue",
    value: (v) => (v.commitment ? (v.commitment.overdue ? t("table.yes") : t("table.no")) : "—"),
    sortValue: (v) => (v.commitment ? (v.commitment.overdue ? "0" : "1") : "2"),
  },
];

export function createRemainingTable(onShow: (village: Village) => void) {
  const body = byId("remaining-body");
  const count = byId("remaining-count");
  const exportsBox = byId("remaining-exports");
  let rows: Village[] = [];
  let sort = { key: "overdue", ascending: true };
  let state: "loading" | "ready" | "error" = "loading";
  let failure: unknown;
  let filters: VillageFilters | undefined;
  let mapFilters: VillageFilters | undefined;
  let controller: AbortController | undefined;

  function sorted(): Village[] {
    const column = COLUMNS.find((c) => c.key === sort.key) ?? (COLUMNS[0] as Column);
    const read = column.sortValue ?? column.value;
    const collator = new Intl.Collator(locale(), { sensitivity: "base", numeric: true });
    const direction = sort.ascending ? 1 : -1;
    return [...rows].sort((a, b) => direction * collator.compare(read(a), read(b)) || collator.compare(a.name, b.name));
  }

  function header(column: Column): HTMLElement {
    const active = sort.key === column.key;
    return el(
      "th",
      { scope: "col", "aria-sort": active ? (sort.ascending ? "ascending" : "descending") : "none" },
      el(
        "button",
        {
          type: "button",
          className: "sort",
          "data-sort": column.key,
          title: t("table.sortBy", { col: t(column.label) }),
          onclick: () => {
            sort = { key: column.key, ascending: active ? !sort.ascending : true };
            render();
          },
        },
        t(column.label),
        el("span", { className: "sort-mark", "aria-hidden": "true" }, active ? (sort.ascending ? "▲" : "▼") : "↕"),
      ),
    );
  }

  function renderExports() {
    const link = (format: "csv" | "geojson", f: VillageFilters, label: string) =>
      el("a", { href: villagesExportUrl(format, f), className: "btn btn-small", download: "" }, label);
    replaceChildren(
      exportsBox,
      el("h4", {}, t("table.exportTitle")),
      filters &&
        el(
          "p",
          {},
          el("span", { className: "export-label" }, t("table.exportRemaining")),
          link("csv", filters, "CSV"),
          link("geojson", filters, "GeoJSON"),
        ),
      mapFilters &&
        el(
          "p",
          {},
          el("span", { className: "export-label" }, t("table.exportFiltered")),
          link("csv", mapFilters, "CSV"),
          link("geojson", mapFilters, "GeoJSON"),
        ),
    );
  }

  function render() {
    renderExports();
    if (state === "loading") {
      count.textContent = "";
      replaceChildren(body, loadingView());
      return;
    }
    if (state === "error") {
      count.textContent = "";
      replaceChildren(
        body,
        errorView(failure, () => filters && load(filters, mapFilters ?? filters)),
      );
      return;
    }
    count.textContent = t("table.count", { n: rows.length });
    if (rows.length === 0) {
      replaceChildren(body, emptyView(t("table.empty")));
      return;
    }
    replaceChildren(
      body,
      el(
        "div",
        { className: "table-scroll" },
        el(
          "table",
          { className: "data-table", id: "remaining-table" },
          el("caption", { className: "visually-hidden" }, t("table.title")),
          el("thead", {}, el("tr", {}, COLUMNS.map(header))),
          el(
            "tbody",
            {},
            sorted().map((v) =>
              el(
                "tr",
                { "data-code": v.code, className: v.commitment?.overdue ? "row-overdue" : "" },
                COLUMNS.map((c, i) =>
                  i === 0
                    ? el(
                        "th",
                        { scope: "row" },
                        el(
                          "button",
                          {
                            type: "button",
                            className: "link",
                            title: t("table.show"),
                            onclick: () => onShow(v),
                          },
                          c.value(v),
                        ),
                      )
                    : el(
                        "td",
                        { className: `col-${c.key}` },
                        c.key === "overdue" && v.commitment?.overdue
                          ? el("span", { className: "badge badge-overdue" }, c.value(v))
                          : c.value(v),
                        c.detail?.(v) && el("span", { className: "cell-detail" }, c.detail(v)),
                      ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  // The list is the department's: villages without signal in the chosen
  // unit. The second export follows every filter set on the map.
  async function load(remaining: VillageFilters, onMap: VillageFilters) {
    filters = remaining;
    mapFilters = onMap;
    controller?.abort();
    controller = new AbortController();
    state = "loading";
    render();
    try {
      rows = await allVillages(remaining, controller.signal);
      state = "ready";
    } catch (error) {
      if (isAbort(error)) return;
      failure = error;
      state = "error";
    }
    render();
  }

  function setMapFilters(onMap: VillageFilters) {
    mapFilters = onMap;
    renderExports();
  }

  onLocaleChange(render);
  return { load, setMapFilters, village: (code: string) => rows.find((v) => v.code === code) };
}
