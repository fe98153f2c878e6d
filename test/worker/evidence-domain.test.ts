import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_COVERAGE_CONFIG } from "../../worker/domain/coverage.ts";
import {
  CHALLENGE_REPORTERS,
  challengeDue,
  EVIDENCE_RADIUS_M,
  EVIDENCE_WINDOW_DAYS,
  evidenceCutoff,
  evidenceOf,
  measurementRole,
  verifiedFigures,
} from "../../worker/domain/evidence.ts";
import { distanceMeters } from "../../worker/domain/geo.ts";
import { fixedWindow, retryAfterSeconds } from "../../worker/domain/rate-limit.ts";
import { candidateSites, type SitingTarget, suggestSites } from "../../worker/domain/siting.ts";

const DAY = 86_400_000;
const now = new Date("2026-06-01T00:00:00.000Z");
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY).toISOString();
const KM_LAT = 1 / 111.2;

describe("measurementRole", () => {
  const at = { village_code: "V1", distance_m: 120 };
  it("a reading of signal by staff at the village verifies it", () => {
    expect(measurementRole({ ...at, source: "field", level: "good" })).toBe("verification");
    expect(measurementRole({ ...at, source: "survey", level: "weak" })).toBe("verification");
  });
  it("the public's reading of signal verifies nothing, its 'none' is a report", () => {
    expect(measurementRole({ ...at, source: "public", level: "good" })).toBeNull();
    expect(measurementRole({ ...at, source: "public", level: "none" })).toBe("report");
    expect(measurementRole({ ...at, source: "field", level: "none" })).toBe("report");
  });
  it("a survey's 'none' is a claim already, not a report", () => {
    expect(measurementRole({ ...at, source: "survey", level: "none" })).toBeNull();
  });
  it("counts only within the evidence radius of the village point", () => {
    expect(measurementRole({ village_code: "V1", distance_m: EVIDENCE_RADIUS_M, source: "field", level: "good" })).toBe(
      "verification",
    );
    expect(
      measurementRole({ village_code: "V1", distance_m: EVIDENCE_RADIUS_M + 1, source: "field", level: "good" }),
    ).toBeNull();
    expect(measurementRole({ village_code: null, distance_m: null, source: "field", level: "none" })).toBeNull();
  });
});

describe("evidenceOf", () => {
  it("a covered village with a recent verification is verified, with its age", () => {
    expect(evidenceOf({ coverage_state: "good", evidence_at: daysAgo(10) }, now)).toEqual({
      state: "verified",
      last_measured_at: daysAgo(10),
      age_days: 10,
      stale: false,
    });
  });
  it("a covered village on a claim alone is unverified but not stale", () => {
    expect(evidenceOf({ coverage_state: "weak", evidence_at: null }, now)).toEqual({
      state: "unverified",
      last_measured_at: null,
      age_days: null,
      stale: false,
    });
  });
  it("a verification older than the window leaves the village unverified and stale", () => {
    expect(evidenceOf({ coverage_state: "good", evidence_at: daysAgo(EVIDENCE_WINDOW_DAYS) }, now).state).toBe(
      "verified",
    );
    const old = evidenceOf({ coverage_state: "good", evidence_at: daysAgo(EVIDENCE_WINDOW_DAYS + 1) }, now);
    expect(old).toMatchObject({ state: "unverified", stale: true, age_days: EVIDENCE_WINDOW_DAYS + 1 });
  });
  it("a village without coverage has nothing to verify", () => {
    expect(evidenceOf({ coverage_state: "none", evidence_at: daysAgo(2) }, now)).toMatchObject({
      state: "none",
      stale: false,
      age_days: 2,
    });
    expect(evidenceOf({ coverage_state: "unknown", evidence_at: null }, now).state).toBe("none");
  });
  it("the cutoff is the window before now", () => {
    expect(evidenceCutoff(now)).toBe(daysAgo(EVIDENCE_WINDOW_DAYS));
  });
});

describe("verifiedFigures", () => {
  it("counts verified over all villages, and the rest of the covered as unverified", () => {
    expect(verifiedFigures({ total: 2072, covered: 2049, verified: 1000 })).toEqual({
      villages_verified: 1000,
      villages_unverified: 1049,
      coverage_pct_verified: 48.26,
    });
    expect(verifiedFigures({ total: 0, covered: 0, verified: 0 }).coverage_pct_verified).toBeNull();
  });
});

describe("challengeDue", () => {
  const reporters = Array.from({ length: CHALLENGE_REPORTERS }, (_, i) => `r${i}`);
  it("opens on enough different reporters against a claim of signal", () => {
    expect(challengeDue({ claim_level: "good", reporters, open_challenge: false })).toBe(true);
    expect(challengeDue({ claim_level: "weak", reporters, open_challenge: false })).toBe(true);
  });
  it("one reporter sending many times is one reporter", () => {
    const same = Array.from({ length: 10 }, () => "r0");
    expect(challengeDue({ claim_level: "good", reporters: same, open_challenge: false })).toBe(false);
    expect(challengeDue({ claim_level: "good", reporters: reporters.slice(1), open_challenge: false })).toBe(false);
  });
  it("never against a claim of no signal or no claim, nor twice at once", () => {
    expect(challengeDue({ claim_level: "none", reporters, open_challenge: false })).toBe(false);
    expect(challengeDue({ claim_level: null, reporters, open_challenge: false })).toBe(false);
    expect(challengeDue({ claim_level: "good", reporters, open_challenge: true })).toBe(false);
  });
});

describe("rate-limit windows", () => {
  it("aligns windows to the epoch and says how long until the next", () => {
    const at = new Date("2026-06-01T10:59:30.200Z");
    const window = fixedWindow(at, 3600);
    expect(window).toEqual({ start: "2026-06-01T10:00:00.000Z", end: "2026-06-01T11:00:00.000Z" });
    expect(retryAfterSeconds(window, at)).toBe(30);
    expect(retryAfterSeconds(window, new Date("2026-06-01T10:59:59.999Z"))).toBe(1);
  });
});

describe("suggestSites", () => {
  const config = DEFAULT_COVERAGE_CONFIG;
  const rangeM = config.ranges_km["4g"] * 1000;

  it("puts one site between two villages that one station can reach, not two", () => {
    const targets: SitingTarget[] = [
      { code: "A", lat: 23, lon: 105, households: 10 },
      { code: "B", lat: 23 + 4 * KM_LAT, lon: 105, households: 20 },
      { code: "C", lat: 23 + 40 * KM_LAT, lon: 105, households: 300 },
    ];
    const suggestions = suggestSites(targets, { tech: "4g", config, maxSites: 5 });
    expect(suggestions.map((s) => s.covers)).toEqual([["A", "B"], ["C"]]);
    expect(suggestions.map((s) => s.households)).toEqual([30, 300]);
  });

  it("breaks a tie in villages by households", () => {
    const targets: SitingTarget[] = [
      { code: "A", lat: 23, lon: 105, households: 10 },
      { code: "B", lat: 23 + 40 * KM_LAT, lon: 105, households: 90 },
    ];
    const [first] = suggestSites(targets, { tech: "4g", config, maxSites: 1 });
    expect(first?.covers).toEqual(["B"]);
  });

  it("covers the villages it claims, each once, never more than the best candidate, until all are covered", () => {
    const target = fc.record({
      lat: fc.double({ min: 22.7, max: 22.9, noNaN: true }),
      lon: fc.double({ min: 104.9, max: 105.1, noNaN: true }),
      households: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(target, { minLength: 1, maxLength: 40 }), (points) => {
        const targets = points.map((p, i) => ({ ...p, code: `V${String(i).padStart(3, "0")}` }));
        const byCode = new Map(targets.map((t) => [t.code, t]));
        const suggestions = suggestSites(targets, { tech: "4g", config, maxSites: targets.length });
        const seen = new Set<string>();
        let previous = Number.POSITIVE_INFINITY;
        for (const s of suggestions) {
          expect(s.covers.length).toBeGreaterThan(0);
          expect(s.covers.length).toBeLessThanOrEqual(previous);
          previous = s.covers.length;
          let households = 0;
          for (const code of s.covers) {
            const v = byCode.get(code);
            if (!v) throw new Error(`${code} is not a target`);
            expect(distanceMeters(s, v)).toBeLessThanOrEqual(rangeM);
            expect(seen.has(code)).toBe(false);
            seen.add(code);
            households += v.households ?? 0;
          }
          expect(s.households).toBe(households);
        }
        expect(seen.size).toBe(targets.length);
        const bestCandidate = Math.max(
          ...candidateSites(targets, rangeM).map(
            (site) => targets.filter((t) => distanceMeters(site, t) <= rangeM).length,
          ),
        );
        expect(suggestions[0]?.covers.length).toBe(bestCandidate);
      }),
      { numRuns: 60 },
    );
  });

  it("stops at max_sites", () => {
    const targets = Array.from({ length: 6 }, (_, i) => ({
      code: `F${i}`,
      lat: 23 + i * 30 * KM_LAT,
      lon: 105,
      households: 1,
    }));
    expect(suggestSites(targets, { tech: "4g", config, maxSites: 4 })).toHaveLength(4);
  });
});
