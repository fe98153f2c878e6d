import type { CoverageLevel } from "../../schema/tables.ts";
import { isCovered } from "./coverage.ts";

import {
  CHALLENGE_REPORTERS,
  CHALLENGE_WINDOW_DAYS,
  EVIDENCE_RADIUS_M,
  EVIDENCE_WINDOW_DAYS,
} from "./evidence-rules.ts";

export * from "./evidence-rules.ts";

const DAY_MS = 86_400_000;

export type MeasurementSource = "survey" | "field" | "public";
export type MeasuredLevel = "good" | "weak" | "none";

type MeasurementFacts = {
  source: MeasurementSource;
  level: MeasuredLevel;
  village_code: string | null;
  distance_m: number | null;
};

const atVillage = (m: MeasurementFacts) =>
  m.village_code !== null && m.distance_m !== null && m.distance_m <= EVIDENCE_RADIUS_M;

// What a measurement does for its village: a signal measured by department or
// operator staff verifies it; "no signal" from staff or the public is a report
// that counts towards a challenge. Public readings of signal verify nothing
// (anyone could send them), and a survey's "none" is already a claim of its
// own, so it needs no challenge.
export function measurementRole(m: MeasurementFacts): "verification" | "report" | null {
  if (!atVillage(m)) return null;
  if (m.level !== "none") return m.source === "public" ? null : "verification";
  return m.source === "survey" ? null : "report";
}

export const VERIFYING_SOURCES = ["field", "survey"] as const satisfies readonly MeasurementSource[];
export const REPORTING_SOURCES = ["field", "public"] as const satisfies readonly MeasurementSource[];

export const EVIDENCE_STATES = ["verified", "unverified", "none"] as const;
export type EvidenceState = (typeof EVIDENCE_STATES)[number];

export type Evidence = {
  state: EvidenceState;
  last_measured_at: string | null;
  age_days: number | null;
  stale: boolean;
};

export function ageDays(at: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(at)) / DAY_MS));
}

// The earliest verification that still counts at `now`, as an ISO timestamp
// comparable with the stored ones.
export function evidenceCutoff(now: Date): string {
  return new Date(now.getTime() - EVIDENCE_WINDOW_DAYS * DAY_MS).toISOString();
}

// A village without coverage has nothing to verify ("none"); a covered one is
// verified by a recent verification and otherwise unverified: never looked at
// (age null) or looked at too long ago (stale).
export function evidenceOf(v: { coverage_state: CoverageLevel; evidence_at: string | null }, now: Date): Evidence {
  const age = v.evidence_at === null ? null : ageDays(v.evidence_at, now);
  const covered = isCovered(v.coverage_state);
  const recent = v.evidence_at !== null && v.evidence_at >= evidenceCutoff(now);
  return {
    state: !covered ? "none" : recent ? "verified" : "unverified",
    last_measured_at: v.evidence_at,
    age_days: age,
    stale: covered && v.evidence_at !== null && !recent,
  };
}

export type VerifiedFigures = {
  villages_verified: number;
  villages_unverified: number;
  coverage_pct_verified: number | null;
};

// The official figure counts only verified villages, over the same total as
// coverage_pct, so the two percentages differ exactly by the unverified ones.
export function verifiedFigures(counts: { total: number; covered: number; verified: number }): VerifiedFigures {
  return {
    villages_verified: counts.verified,
    villages_unverified: counts.covered - counts.verified,
    coverage_pct_verified: counts.total === 0 ? null : Math.round((counts.verified / counts.total) * 10_000) / 100,
  };
}

export function challengeWindowStart(now: Date): string {
  return new Date(now.getTime() - CHALLENGE_WINDOW_DAYS * DAY_MS).toISOString();
}

// Whether the reports (each by its reporter, all within the window and since
// the claim was last ruled on) are enough to put a claim of coverage under
// review. Only a claim of signal can be challenged, and only once at a time.
export function challengeDue(input: {
  claim_level: CoverageLevel | null;
  reporters: Iterable<string>;
  open_challenge: boolean;
}): boolean {
  if (input.open_challenge || input.claim_level === null || !isCovered(input.claim_level)) return false;
  return new Set(input.reporters).size >= CHALLENGE_REPORTERS;
}
