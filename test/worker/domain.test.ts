import { describe, expect, it } from "vitest";
import { isOverdue } from "../../worker/domain/commitments.ts";
import {
  computeClaims,
  DEFAULT_COVERAGE_CONFIG,
  effectiveClaims,
  levelAt,
  type StationForCoverage,
  villageCoverage,
} from "../../worker/domain/coverage.ts";
import { distanceMeters, GridIndex, pointInPolygon } from "../../worker/domain/geo.ts";
import { progressFigures } from "../../worker/domain/progress.ts";
import { normalizeName } from "../../worker/domain/text.ts";

const KM_LAT = 1 / 111.2;

function station(overrides: Partial<StationForCoverage> = {}): StationForCoverage {
  return {
    id: "s1",
    operator_id: "viettel",
    lat: 23,
    lon: 105,
    technologies: ["2g", "4g"],
    status: "on_air",
    ...overrides,
  };
}

describe("normalizeName", () => {
  it("folds Vietnamese diacritics and đ", () => {
    expect(normalizeName("Thôn Lũng Cú")).toBe("thon lung cu");
    expect(normalizeName("Đồng Văn")).toBe("dong van");
    expect(normalizeName("  Mèo   Vạc ")).toBe("meo vac");
  });
});

describe("geo", () => {
  it("measures about 111 km per degree of latitude", () => {
    expect(distanceMeters({ lat: 23, lon: 105 }, { lat: 24, lon: 105 })).toBeCloseTo(111_195, -2);
  });
  it("finds exactly the points within a radius", () => {
    const points = [0, 1, 2, 3, 4].map((k) => ({ lat: 23 + k * KM_LAT, lon: 105, k }));
    const found = new GridIndex(points, 0.01).within({ lat: 23, lon: 105 }, 2_050).map((r) => r.item.k);
    expect(found.sort()).toEqual([0, 1, 2]);
  });
  it("tests points against polygons with holes", () => {
    const square = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const hole = [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ];
    const geometry = { type: "Polygon" as const, coordinates: [square, hole] };
    expect(pointInPolygon({ lon: 1, lat: 1 }, geometry)).toBe(true);
    expect(pointInPolygon({ lon: 5, lat: 5 }, geometry)).toBe(false);
    expect(pointInPolygon({ lon: 11, lat: 5 }, geometry)).toBe(false);
  });
});

describe("coverage computation", () => {
  const cfg = DEFAULT_COVERAGE_CONFIG;
  it("grades distance against the nominal range of each technology", () => {
    expect(levelAt(0, "4g", cfg)).toBe("good");
    expect(levelAt(cfg.ranges_km["4g"] * 1000 * cfg.good_fraction + 1, "4g", cfg)).toBe("weak");
    expect(levelAt(cfg.ranges_km["4g"] * 1000 + 1, "4g", cfg)).toBeNull();
    expect(levelAt(cfg.ranges_km["4g"] * 1000 + 1, "2g", cfg)).not.toBeNull();
  });

  it("only stations on air radiate", () => {
    const village = { code: "v", lat: 23, lon: 105 };
    for (const status of ["planned", "permitted", "building", "outage", "decommissioned"] as const) {
      expect(computeClaims([village], [station({ status })])).toEqual([]);
    }
    expect(
      computeClaims([village], [station()])
        .map((c) => c.tech)
        .sort(),
    ).toEqual(["2g", "4g"]);
  });

  it("keeps the best claim per operator and technology, nearer station first", () => {
    const village = { code: "v", lat: 23, lon: 105 };
    const near = station({ id: "near", lat: 23 + 0.5 * KM_LAT });
    const far = station({ id: "far", lat: 23 + 1.5 * KM_LAT });
    const claims = computeClaims([village], [far, near]);
    expect(claims).toHaveLength(2);
    expect(new Set(claims.map((c) => c.station_id))).toEqual(new Set(["near"]));
  });

  it("covers a village 5 km away by 2G only", () => {
    const claims = computeClaims(
      [{ code: "v", lat: 23 + 5 * KM_LAT, lon: 105 }],
      [station({ technologies: ["2g", "3g", "4g"] })],
    );
    expect(claims.map((c) => [c.tech, c.level])).toEqual([["2g", "weak"]]);
    expect(
      villageCoverage(
        claims.map((c) => ({ ...c, source: "computed" as const })),
        true,
      ),
    ).toEqual({
      coverage_state: "weak",
      best_tech: "2g",
    });
  });

  it("skips villages without a location", () => {
    expect(computeClaims([{ code: "v", lat: null, lon: null }], [station()])).toEqual([]);
    expect(villageCoverage([], false).coverage_state).toBe("unknown");
    expect(villageCoverage([], true).coverage_state).toBe("none");
  });

  it("lets a survey override the computed claim for the same operator and technology", () => {
    const claims = [
      { operator_id: "viettel", tech: "4g" as const, source: "computed" as const, level: "good" as const },
      { operator_id: "viettel", tech: "4g" as const, source: "survey" as const, level: "none" as const },
      { operator_id: "mobifone", tech: "2g" as const, source: "computed" as const, level: "weak" as const },
    ];
    expect(effectiveClaims(claims).map((c) => c.source)).toEqual(["survey", "computed"]);
    expect(villageCoverage(claims, true)).toEqual({ coverage_state: "weak", best_tech: "2g" });
    expect(villageCoverage(claims.slice(0, 2), true)).toEqual({ coverage_state: "none", best_tech: null });
  });
});

describe("progress arithmetic", () => {
  it("computes the percentage over all villages with two decimals", () => {
    expect(progressFigures({ good: 2000, weak: 49, none: 23 })).toEqual({
      villages_total: 2072,
      villages_covered: 2049,
      villages_uncovered: 23,
      villages_unknown: 0,
      coverage_pct: 98.89,
    });
  });
  it("does not count unknown villages as covered", () => {
    expect(progressFigures({ good: 1, unknown: 1 }).coverage_pct).toBe(50);
    expect(progressFigures({ good: 1, unknown: 1 }).villages_unknown).toBe(1);
  });
  it("has no percentage without villages", () => {
    expect(progressFigures({}).coverage_pct).toBeNull();
  });
});

describe("commitments", () => {
  it("is overdue only when open and past its date", () => {
    expect(isOverdue({ status: "open", target_date: "2026-01-01" }, "2026-01-02")).toBe(true);
    expect(isOverdue({ status: "open", target_date: "2026-01-02" }, "2026-01-02")).toBe(false);
    expect(isOverdue({ status: "done", target_date: "2026-01-01" }, "2026-01-02")).toBe(false);
  });
});
