// Summaries of repeated measurements: the median, and the 95th percentile by
// nearest rank (with 30 runs, the second-slowest).
export type Summary = { runs: number; median: number; p95: number; min: number; max: number };

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return {
    runs: sorted.length,
    median:
      sorted.length % 2 === 1
        ? at(0.5)
        : ((sorted[sorted.length / 2 - 1] ?? NaN) + (sorted[sorted.length / 2] ?? NaN)) / 2,
    p95: at(0.95),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export async function repeat(runs: number, warmup: number, once: (i: number) => Promise<number>): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await once(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once(i));
  return summarize(samples);
}

export const ms = (x: number) =>
  Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : "–";
export const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");
export const ratio = (x: number) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×` : "–");
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(bytes >= 10_240 ? 0 : 1)} KB`;

// A fixed-width table for the terminal.
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
