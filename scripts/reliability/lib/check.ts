// What every reliability scenario hands back: named figures to print, and the
// checks that failed (none, for a pass).
export type Outcome = {
  name: string;
  figures: Record<string, string | number>;
  failures: string[];
};

export class Checks {
  readonly failures: string[] = [];
  expect(ok: boolean, what: string): boolean {
    if (!ok) this.failures.push(what);
    return ok;
  }
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

export function printOutcome(o: Outcome): void {
  console.log(`\n== ${o.name}: ${o.failures.length === 0 ? "PASS" : "FAIL"}`);
  for (const [k, v] of Object.entries(o.figures)) console.log(`   ${k}: ${v}`);
  for (const f of o.failures) console.log(`   ✗ ${f}`);
}
