import { hc } from "hono/client";
import { inject } from "vitest";
import type { AppType } from "../../../worker/app.ts";

// The tests read the API with the same typed client as the pages, so the
// expected figures are the server's own.
export const baseUrl = () => inject("baseUrl");
export const api = () => hc<AppType>(baseUrl()).api.v1;

export async function ok<T>(pending: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T> {
  const res = await pending;
  if (!res.ok) throw new Error(`API answered ${res.status}`);
  return res.json();
}

export async function allUncovered() {
  const page = await ok(api().villages.$get({ query: { coverage: "none", limit: "1000" } }));
  return page.data;
}

export async function allVillages() {
  const rows = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api().villages.$get({ query: { limit: "1000", cursor } }));
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

export const progressOf = (unit: string) => ok(api().progress.$get({ query: { unit } }));

// Vietnamese written without its marks, as people type on a phone: "Lũng Cú" → "lung cu".
export function withoutDiacritics(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}
