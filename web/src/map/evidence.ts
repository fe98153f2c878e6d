import "./evidence.css";
import type { CircleMarkerOptions } from "leaflet";
import { EVIDENCE_WINDOW_DAYS } from "../../../worker/domain/evidence-rules.ts";
import type { Village } from "../api.ts";
import { el } from "../dom.ts";
import { et } from "../i18n/evidence.ts";
import { formatDateTime, formatDaysAgo } from "../i18n/index.ts";

type Evidence = Village["evidence"];

export const VERIFIED_RING = "#0f3d3e";
// How much of its usual opacity a covered village keeps when its
// verification is out of date: still visible, clearly in the background.
export const STALE_OPACITY = 0.3;

// Covered villages speak for their proof: verified ones get a dark ring, those
// whose verification is out of date fade; a claim never checked keeps the
// plain covered look.
export function withEvidence(
  style: CircleMarkerOptions,
  evidence: Pick<Evidence, "state" | "stale">,
): CircleMarkerOptions {
  if (evidence.state === "verified") return { ...style, color: VERIFIED_RING, weight: 2 };
  if (evidence.stale) {
    return {
      ...style,
      opacity: STALE_OPACITY,
      fillOpacity: (style.fillOpacity ?? 1) * STALE_OPACITY,
    };
  }
  return style;
}

export function evidenceLine(evidence: Evidence): HTMLElement {
  const label =
    evidence.state === "verified"
      ? et("evidence.verified")
      : evidence.state === "none"
        ? et("evidence.none")
        : evidence.stale
          ? et("evidence.stale", { days: EVIDENCE_WINDOW_DAYS })
          : et("evidence.unverified");
  return el(
    "p",
    { className: "detail-evidence", "data-evidence": evidence.stale ? "stale" : evidence.state },
    el("span", { className: `badge badge-evidence-${evidence.stale ? "stale" : evidence.state}` }, label),
    evidence.last_measured_at !== null && evidence.age_days !== null
      ? el(
          "span",
          { className: "muted", title: formatDateTime(evidence.last_measured_at) },
          ` ${et("evidence.lastMeasured", { ago: formatDaysAgo(evidence.age_days) })}`,
        )
      : null,
  );
}
