import { ApiProblem } from "../api.ts";
import { el } from "../dom.ts";
import { t } from "../i18n/index.ts";

export function loadingView(text = t("state.loading")): HTMLElement {
  return el("p", { className: "state state-loading", role: "status" }, el("span", { className: "spinner" }), text);
}

export function emptyView(text: string): HTMLElement {
  return el("p", { className: "state state-empty" }, text);
}

// The server's detail is English and technical; it goes under the localized
// headline so a user can quote it when reporting.
export function errorView(error: unknown, retry?: () => void): HTMLElement {
  const problem = error instanceof ApiProblem ? error.problem : undefined;
  const headline = problem?.status === 0 ? t("state.networkError") : t("state.error");
  const detail = problem ? `${problem.status > 0 ? `${problem.status} · ` : ""}${problem.detail}` : String(error);
  return el(
    "div",
    { className: "state state-error", role: "alert" },
    el("p", { className: "state-headline" }, headline),
    el("p", { className: "state-detail" }, detail),
    retry && el("button", { type: "button", className: "btn", onclick: retry }, t("state.retry")),
  );
}
