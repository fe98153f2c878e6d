import type { CoverageLevel } from "../../schema/tables.ts";
import { isCovered } from "./coverage.ts";

export type StateCounts = Partial<Record<CoverageLevel, number>>;

export type ProgressFigures = {
  villages_total: number;
  villages_covered: number;
  villages_uncovered: number;
  villages_unknown: number;
  coverage_pct: number | null;
};

// The percentage is over all villages, unknown included: a village nobody has
// assessed is not counted as covered. Two decimals, as the department reports.
export function progressFigures(counts: StateCounts): ProgressFigures {
  let covered = 0;
  let total = 0;
  for (const [state, n] of Object.entries(counts) as Array<[CoverageLevel, number]>) {
    total += n;
    if (isCovered(state)) covered += n;
  }
  const uncovered = counts.none ?? 0;
  return {
    villages_total: total,
    villages_covered: covered,
    villages_uncovered: uncovered,
    villages_unknown: counts.unknown ?? 0,
    coverage_pct: total === 0 ? null : Math.round((covered / total) * 10_000) / 100,
  };
}
