import { isAbort, type Unit, units, type Village, villagePage } from "../api.ts";
import { byId, el, replaceChildren } from "../dom.ts";
import { formatDate, t } from "../i18n/index.ts";

type Result = { kind: "village"; village: Village } | { kind: "unit"; unit: Unit };

const MAX_VILLAGES = "8";
const MAX_UNITS = 5;
// Long enough that typing a name sends one request, short enough to feel live.
const DEBOUNCE_MS = 200;

// A combobox (WAI-ARIA pattern): the server does the diacritic-insensitive
// matching, so "lung cu" finds "Lũng Cú" for villages and units alike.
export function createSearch(handlers: { village(v: Village): void; unit(u: Unit): void }) {
  const input = byId<HTMLInputElement>("search-input");
  const list = byId<HTMLDivElement>("search-results");
  const status = byId("search-status");
  let results: Result[] = [];
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;

  function open(isOpen: boolean) {
    list.hidden = !isOpen;
    input.setAttribute("aria-expanded", String(isOpen));
    if (!isOpen) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index: number) {
    active = index;
    list.querySelectorAll<HTMLElement>("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === index));
      if (i === index) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function choose(result: Result | undefined) {
    if (!result) return;
    open(false);
    if (result.kind === "village") {
      input.value = result.village.name;
      handlers.village(result.village);
    } else {
      input.value = result.unit.full_name;
      handlers.unit(result.unit);
    }
  }

  function optionView(result: Result, index: number): HTMLElement {
    const [title, detail, kind] =
      result.kind === "village"
        ? [
            result.village.name,
            [result.village.commune_name, result.village.old_district_name].filter(Boolean).join(" · "),
            t("search.kindVillage"),
          ]
        : [
            result.unit.full_name,
            result.unit.valid_to
              ? t("unit.validTo", { name: "", date: formatDate(result.unit.valid_to) }).trim()
              : result.unit.valid_from
                ? t("unit.validFrom", { name: "", date: formatDate(result.unit.valid_from) }).trim()
                : "",
            t("search.kindUnit"),
          ];
    return el(
      "div",
      {
        id: `search-option-${index}`,
        role: "option",
        "aria-selected": "false",
        className: "search-option",
        "data-kind": result.kind,
        "data-code": result.kind === "village" ? result.village.code : result.unit.code,
        "data-era": result.kind === "unit" ? result.unit.era : undefined,
        onmousedown: (event: Event) => event.preventDefault(),
        onclick: () => choose(result),
      },
      el("span", { className: "search-kind" }, kind),
      el("span", { className: "search-title" }, title),
      detail && el("span", { className: "search-detail" }, detail),
    );
  }

  async function run(q: string) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    replaceChildren(list, el("div", { className: "search-note" }, t("search.searching")));
    open(true);
    try {
      const [villages, unitRows] = await Promise.all([
        villagePage({ q, limit: MAX_VILLAGES }, signal),
        units({ q }, signal),
      ]);
      results = [
        ...villages.data.map((village): Result => ({ kind: "village", village })),
        ...unitRows.slice(0, MAX_UNITS).map((unit): Result => ({ kind: "unit", unit })),
      ];
      if (results.length === 0) {
        replaceChildren(list, el("div", { className: "search-note" }, t("search.none", { q })));
      } else {
        replaceChildren(list, results.map(optionView));
      }
      status.textContent = t("search.results", { n: results.length });
      active = -1;
    } catch (error) {
      if (isAbort(error)) return;
      results = [];
      replaceChildren(list, el("div", { className: "search-note search-error" }, t("state.networkError")));
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim().slice(0, 100);
    if (q.length === 0) {
      controller?.abort();
      results = [];
      open(false);
      return;
    }
    timer = setTimeout(() => run(q), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (results.length === 0) return;
      event.preventDefault();
      open(true);
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + results.length) % results.length);
    } else if (event.key === "Enter") {
      event.preventDefault();
      choose(results[active] ?? results[0]);
    } else if (event.key === "Escape") {
      open(false);
    }
  });
  input.addEventListener("blur", () => open(false));
  input.addEventListener("focus", () => {
    if (results.length > 0) open(true);
  });
}
