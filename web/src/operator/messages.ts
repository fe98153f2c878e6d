import type { ApiProblem, Station, StationStatus } from "../api.ts";
import { formatList, statusLabel, t } from "../i18n/index.ts";
import { STATION_STATUSES } from "../map/style.ts";

export type Failure = { problem: ApiProblem; station: Station; from: StationStatus; to: StationStatus };

// The problem body of an illegal move names the legal next states; only
// values this page knows how to label are shown.
function allowedOf(problem: ApiProblem): StationStatus[] {
  const allowed = problem.body.allowed;
  if (!Array.isArray(allowed)) return [];
  return STATION_STATUSES.filter((s) => allowed.includes(s));
}

export function describeFailure({ problem, station, from, to }: Failure): { headline: string; details: string[] } {
  const site = station.site_code;
  switch (problem.status) {
    case 0:
      return { headline: t("state.networkError"), details: [problem.problem.detail] };
    case 412:
      return { headline: t("op.conflict", { site, status: statusLabel(station.status) }), details: [] };
    case 409:
    case 422: {
      const allowed = allowedOf(problem);
      if (problem.status === 409 || allowed.length > 0) {
        return {
          headline: t("op.forbiddenMove", { site, from: statusLabel(from), to: statusLabel(to) }),
          details: [
            allowed.length > 0
              ? t("op.allowedNext", { allowed: formatList(allowed.map(statusLabel)) })
              : t("op.noAllowed"),
          ],
        };
      }
      return { headline: t("op.otherError", { detail: problem.problem.detail }), details: [] };
    }
    case 400:
      return {
        headline: t("op.badValue", {
          errors:
            (problem.problem.errors ?? []).map((e) => `${e.field}: ${e.problem}`).join("; ") || problem.problem.detail,
        }),
        details: [],
      };
    case 401:
      return { headline: t("op.unauthorized"), details: [] };
    case 403:
      return { headline: t("op.forbidden", { site }), details: [problem.problem.detail] };
    default:
      return { headline: t("op.otherError", { detail: problem.problem.detail }), details: [] };
  }
}
