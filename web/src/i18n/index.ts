import type { BlockerKind, ClaimSource, CommitmentStatus, CoverageState, StationStatus, Tech } from "../api.ts";
import { en } from "./en.ts";
import type { MessageKey, Messages } from "./messages.ts";
import { vi } from "./vi.ts";

export type Locale = "vi" | "en";

const DICTIONARIES: Record<Locale, Messages> = { vi, en };
// Intl needs a region for Vietnamese grouping ("1.234,5"), and en-GB gives
// day-first dates, which readers of a Vietnamese tracker expect in either language.
const INTL_LOCALE: Record<Locale, string> = { vi: "vi-VN", en: "en-GB" };
const STORAGE_KEY = "phu-song.locale";

function stored(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "vi";
  } catch {
    return "vi";
  }
}

let current: Locale = stored();
const listeners = new Set<() => void>();

export const locale = (): Locale => current;

export function setLocale(next: Locale): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private browsing may refuse storage; the switch still holds for this page.
  }
  applyTo(document);
  for (const listener of listeners) listener();
}

export function onLocaleChange(listener: () => void): void {
  listeners.add(listener);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return DICTIONARIES[current][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

// Static text in the HTML carries data-i18n (text), data-i18n-placeholder,
// data-i18n-label (aria-label) and data-i18n-title so that pages need no script
// per string.
export function applyTo(root: Document): void {
  root.documentElement.lang = current;
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n as MessageKey);
  }
  for (const el of root.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder as MessageKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nLabel as MessageKey));
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle as MessageKey);
  }
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(INTL_LOCALE[current], options).format(value);
}

export function formatPercent(pct: number): string {
  return new Intl.NumberFormat(INTL_LOCALE[current], {
    style: "percent",
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(pct / 100);
}

export function formatDistance(meters: number): string {
  return meters < 1000
    ? formatNumber(meters, { style: "unit", unit: "meter", maximumFractionDigits: 0 })
    : formatNumber(meters / 1000, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 });
}

// Date-only values (YYYY-MM-DD) are calendar dates in Vietnam; reading them as
// UTC and formatting in UTC keeps the day from shifting in other time zones.
export function formatDate(isoDate: string): string {
  const date = new Date(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(INTL_LOCALE[current], {
    dateStyle: "medium",
    timeZone: isoDate.length === 10 ? "UTC" : undefined,
  }).format(date);
}

export function formatNumericDate(isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(INTL_LOCALE[current], {
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

export function formatShortDate(isoDate: string): string {
  const date = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(INTL_LOCALE[current], { day: "numeric", month: "short", timeZone: "UTC" }).format(
    date,
  );
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(INTL_LOCALE[current], { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function formatDaysAgo(days: number): string {
  return new Intl.RelativeTimeFormat(INTL_LOCALE[current], { numeric: "auto" }).format(-days, "day");
}

export function formatList(items: string[]): string {
  return new Intl.ListFormat(INTL_LOCALE[current], { type: "conjunction" }).format(items);
}

// Template-literal keys make tsc check that every value the server can send
// has a label in both languages.
export const coverageLabel = (state: CoverageState) => t(`coverage.${state}`);
export const statusLabel = (status: StationStatus) => t(`status.${status}`);
export const sourceLabel = (source: ClaimSource) => t(`source.${source}`);
export const blockerLabel = (kind: BlockerKind) => t(`blocker.${kind}`);
export const commitmentLabel = (status: CommitmentStatus) => t(`commitment.${status}`);
export const techLabel = (tech: Tech) => tech.toUpperCase();
