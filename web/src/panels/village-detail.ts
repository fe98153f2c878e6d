import type { Claim, VillageDetail, VillageEvent } from "../api.ts";
import { el } from "../dom.ts";
import {
  blockerLabel,
  commitmentLabel,
  coverageLabel,
  formatDate,
  formatDateTime,
  formatDaysAgo,
  formatDistance,
  sourceLabel,
  t,
  techLabel,
} from "../i18n/index.ts";
import { evidenceLine } from "../map/evidence.ts";
import { operatorName } from "../operators.ts";

// The server's summary is English prose; the same facts are told here in the
// reader's language from the structured fields.
function summary(v: VillageDetail): string {
  if (v.coverage_state === "none") return t("village.summaryNone");
  if (v.coverage_state === "unknown") return t("village.summaryUnknown");
  const covered = t("village.summaryCovered", {
    level: coverageLabel(v.coverage_state),
    tech: v.best_tech ? techLabel(v.best_tech) : "—",
    n: v.explanation.covering_stations.length,
  });
  const surveyed = v.explanation.claims.some((c) => c.effective && c.source === "survey");
  return surveyed ? `${covered} ${t("village.summarySurvey")}` : covered;
}

function section(title: string, ...body: Array<Node | null>): HTMLElement {
  return el("section", { className: "detail-section" }, el("h3", {}, title), ...body);
}

function claimRow(c: Claim): HTMLElement {
  return el(
    "tr",
    { className: c.effective ? "claim-effective" : "claim-overridden" },
    el("td", {}, operatorName(c.operator_id)),
    el("td", {}, techLabel(c.tech)),
    el("td", {}, coverageLabel(c.level)),
    el(
      "td",
      {},
      sourceLabel(c.source),
      c.station_site_code ? el("span", { className: "muted" }, ` · ${c.station_site_code}`) : null,
      el("span", { className: "muted" }, ` · ${c.effective ? t("village.effective") : t("village.overridden")}`),
    ),
    el("td", { title: formatDateTime(c.verified_at) }, formatDaysAgo(c.age_days)),
  );
}

function eventItem(e: VillageEvent): HTMLElement {
  const state = (s: VillageEvent["from_state"], tech: VillageEvent["from_best_tech"]) =>
    s ? `${coverageLabel(s)}${tech ? ` (${techLabel(tech)})` : ""}` : "—";
  return el(
    "li",
    {},
    el("time", { datetime: e.at }, formatDateTime(e.at)),
    " ",
    t("village.event", { from: state(e.from_state, e.from_best_tech), to: state(e.to_state, e.to_best_tech) }),
    el("span", { className: "muted" }, ` · ${t("village.eventBy", { cause: e.cause, actor: e.actor })}`),
  );
}

export function villageDetailView(v: VillageDetail): HTMLElement {
  const { explanation, commitment } = v;
  const oldUnit = [v.old_commune_name, v.old_district_name].filter(Boolean).join(", ");
  return el(
    "article",
    { className: "village-detail", "data-village": v.code },
    el("h2", {}, v.name),
    el(
      "p",
      { className: "detail-units" },
      v.commune_name && el("span", {}, `${t("village.commune")}: ${v.commune_name}`),
      oldUnit && el("span", {}, `${t("village.oldUnit")}: ${oldUnit}`),
      v.households !== null &&
        v.population !== null &&
        el("span", {}, t("village.people", { households: v.households, population: v.population })),
    ),
    el(
      "p",
      { className: `detail-state state-${v.coverage_state}` },
      el("span", { className: `badge badge-${v.coverage_state}` }, coverageLabel(v.coverage_state)),
      " ",
      el("span", { className: "detail-summary" }, summary(v)),
    ),
    evidenceLine(v.evidence),
    section(
      t("village.stations"),
      explanation.covering_stations.length === 0
        ? el("p", { className: "muted" }, t("village.noStations"))
        : el(
            "ul",
            { className: "detail-list" },
            explanation.covering_stations.map((s) =>
              el(
                "li",
                {},
                el("strong", {}, s.site_code),
                ` · ${operatorName(s.operator_id)} · ${s.technologies.map(techLabel).join(", ")} · `,
                t("village.distance", { distance: formatDistance(s.distance_m) }),
              ),
            ),
          ),
    ),
    section(
      t("village.claims"),
      explanation.claims.length === 0
        ? el("p", { className: "muted" }, t("village.noClaims"))
        : el(
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
                  el("th", { scope: "col" }, t("village.colOperator")),
                  el("th", { scope: "col" }, t("village.colTech")),
                  el("th", { scope: "col" }, t("village.colLevel")),
                  el("th", { scope: "col" }, t("village.colSource")),
                  el("th", { scope: "col" }, t("village.colAge")),
                ),
              ),
              el("tbody", {}, explanation.claims.map(claimRow)),
            ),
          ),
    ),
    section(
      t("village.commitment"),
      commitment
        ? el(
            "div",
            {},
            el(
              "p",
              {},
              t("village.commitmentLine", {
                operator: operatorName(commitment.operator_id),
                date: formatDate(commitment.target_date),
              }),
              ` · ${commitmentLabel(commitment.status)}`,
              commitment.overdue ? el("span", { className: "badge badge-overdue" }, t("village.overdue")) : null,
            ),
            commitment.notes ? el("p", { className: "muted" }, commitment.notes) : null,
            el("h4", {}, t("village.blockers")),
            commitment.blockers.length === 0
              ? el("p", { className: "muted" }, t("village.noBlockers"))
              : el(
                  "ul",
                  { className: "detail-list" },
                  commitment.blockers.map((b) =>
                    el(
                      "li",
                      {},
                      blockerLabel(b.kind),
                      b.note ? el("span", { className: "muted" }, ` — ${b.note}`) : null,
                    ),
                  ),
                ),
          )
        : el("p", { className: "muted" }, t("village.noCommitment")),
    ),
    section(
      t("village.history"),
      v.history.length === 0
        ? el("p", { className: "muted" }, t("village.noHistory"))
        : el("ul", { className: "detail-list history" }, v.history.map(eventItem)),
    ),
  );
}
