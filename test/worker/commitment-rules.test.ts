import { describe, expect, it } from "vitest";
import { commitmentRefusal, sameCommitment } from "../../worker/domain/commitments.ts";

const admin = { role: "admin" as const, operator_id: null };
const viettel = { role: "operator" as const, operator_id: "viettel" };
const assigned = { operator_id: "viettel" };

describe("commitmentRefusal", () => {
  it("lets the department do anything", () => {
    expect(commitmentRefusal(admin, undefined, { operator_id: "mobifone" })).toBeNull();
    expect(commitmentRefusal(admin, assigned, { operator_id: "mobifone", status: "cancelled" })).toBeNull();
  });

  it("lets the assigned operator update, open or close its own commitment", () => {
    expect(commitmentRefusal(viettel, assigned, { operator_id: "viettel" })).toBeNull();
    expect(commitmentRefusal(viettel, assigned, { operator_id: "viettel", status: "done" })).toBeNull();
    expect(commitmentRefusal(viettel, assigned, { operator_id: "viettel", status: "open" })).toBeNull();
  });

  it("refuses an operator taking a village, touching another's, reassigning or cancelling", () => {
    expect(commitmentRefusal(viettel, undefined, { operator_id: "viettel" })).toMatch(/Only the department assigns/);
    expect(commitmentRefusal(viettel, { operator_id: "mobifone" }, { operator_id: "mobifone" })).toMatch(
      /'viettel'.*'mobifone'/,
    );
    expect(commitmentRefusal(viettel, assigned, { operator_id: "vinaphone" })).toMatch(/'viettel'.*'vinaphone'/);
    expect(commitmentRefusal(viettel, assigned, { operator_id: "viettel", status: "cancelled" })).toMatch(
      /Only the department cancels/,
    );
  });
});

describe("sameCommitment", () => {
  const stored = {
    operator_id: "viettel",
    target_date: "2026-06-30",
    status: "open",
    blockers: [{ kind: "terrain", note: "dốc" }, { kind: "funding" }],
    notes: null,
  };

  it("sees no change in a re-sent commitment, whatever the key order of its blockers", () => {
    expect(sameCommitment(stored, { ...stored, blockers: [...stored.blockers] })).toBe(true);
    expect(
      sameCommitment(stored, { ...stored, blockers: [{ note: "dốc", kind: "terrain" }, { kind: "funding" }] }),
    ).toBe(true);
  });

  it("sees any changed field, and blockers in another order", () => {
    expect(sameCommitment(stored, { ...stored, target_date: "2026-07-01" })).toBe(false);
    expect(sameCommitment(stored, { ...stored, status: "done" })).toBe(false);
    expect(sameCommitment(stored, { ...stored, notes: "" })).toBe(false);
    expect(sameCommitment(stored, { ...stored, blockers: [...stored.blockers].reverse() })).toBe(false);
    expect(sameCommitment(stored, { ...stored, blockers: [{ kind: "terrain" }, { kind: "funding" }] })).toBe(false);
  });
});
