import { type Progress, progress } from "../api.ts";
import { el } from "../dom.ts";
import { formatPercent, t } from "../i18n/index.ts";
import { emptyView, errorView } from "../panels/status.ts";

// A commune's figures in a popup; the 2025 polygons are the only ones drawn,
// so the code is a 2025 code and "today" resolves it.
export async function communePopupContent(code: string, onSelect: (p: Progress) => void): Promise<HTMLElement> {
  try {
    const p = await progress(code);
    return el(
      "article",
      { className: "commune-detail", "data-unit": p.unit.code },
      el("h2", {}, p.unit.full_name),
      p.villages_total === 0
        ? emptyView(t("progress.noVillages"))
        : el(
            "div",
            {},
            el(
              "p",
              { className: "headline-pct small" },
              el("strong", {}, formatPercent(p.coverage_pct ?? 0)),
              " ",
              t("progress.share"),
            ),
            el("p", { className: "headline-left small" }, t("progress.left", { n: p.villages_uncovered })),
            el(
              "p",
              { className: "muted" },
              t("progress.covered", { covered: p.villages_covered, total: p.villages_total }),
            ),
            el(
              "p",
              { className: "muted" },
              t("progress.stations", { onAir: p.stations_on_air, total: p.stations_total }),
            ),
          ),
      el("button", { type: "button", className: "btn btn-small", onclick: () => onSelect(p) }, t("commune.more")),
    );
  } catch (error) {
    return errorView(error);
  }
}
