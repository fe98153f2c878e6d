import type { Progress } from "./api.ts";

// Operator names and their order come from the progress figures, the one
// place the read API lists every operator.
let known: Progress["by_operator"] = [];

export function rememberOperators(list: Progress["by_operator"]): void {
  if (list.length > 0) known = list;
}

export const operators = (): Progress["by_operator"] => known;

export const operatorName = (id: string): string => known.find((o) => o.operator_id === id)?.name ?? id;

// An operator the figures do not list yet (a station just imported) is drawn
// in neutral grey until the next progress read names it.
export const colorOf = (id: string): string => known.find((o) => o.operator_id === id)?.color ?? "#6b7280";
