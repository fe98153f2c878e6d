// The evidence rules' figures, in one place and free of imports, so the
// field page can use them too: docs/evidence.md explains them to the
// department, and the SQL of worker/data/evidence.ts is built from them.

// A measurement is tied to the nearest village within this distance; farther
// away it is kept without a village (a road, a pass, a field far from houses).
export const VILLAGE_TIE_RADIUS_M = 2_000;
// Only a measurement this close to the village's point speaks for or against
// the village: a reading from the next valley says little about the houses.
export const EVIDENCE_RADIUS_M = 500;
// A verification counts for this long; older, the village's coverage is
// "stale": it was true once and nobody has looked since.
export const EVIDENCE_WINDOW_DAYS = 365;
// A claim is challenged when this many different reporters said "no signal"
// for the same operator and technology at the village within the window.
export const CHALLENGE_REPORTERS = 3;
export const CHALLENGE_WINDOW_DAYS = 30;
