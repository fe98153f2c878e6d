import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { HistoryPoint } from "../api.ts";
import { formatNumber, formatShortDate, t } from "../i18n/index.ts";

const HEIGHT = 180;
const DAY_S = 86_400;
// Tick steps of whole days and longer: the snapshots are daily.
const DAY_STEPS = [1, 2, 7, 14, 30, 91, 182, 365].map((days) => days * DAY_S);

const percentTick = (value: number) => formatNumber(value / 100, { style: "percent", maximumFractionDigits: 1 });

// A small line chart of the share of villages covered. The y axis hugs the
// data (the share moves within a point or two), and never passes 100 %.
export function historyChart(container: HTMLElement, points: HistoryPoint[]): () => void {
  const xs = points.map((p) => Date.parse(`${p.date.slice(0, 10)}T00:00:00Z`) / 1000);
  const ys = points.map((p) => p.coverage_pct);
  const chart = new uPlot(
    {
      width: Math.max(container.clientWidth, 240),
      height: HEIGHT,
      legend: { show: false },
      // Room on the right for the last date label.
      padding: [12, 28, 0, 4],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: (_u, min, max) => (min === max ? [min - DAY_S, max + DAY_S] : [min, max]) },
        y: {
          range: (_u, min, max) => [Math.max(0, Math.floor(min - 0.5)), Math.min(100, Math.ceil(max + 0.5))],
        },
      },
      axes: [
        {
          space: 80,
          incrs: DAY_STEPS,
          values: (_u, splits) => splits.map((s) => formatShortDate(new Date(s * 1000).toISOString().slice(0, 10))),
        },
        { values: (_u, splits) => splits.map(percentTick), size: 64 },
      ],
      series: [
        {},
        {
          label: t("progress.chartLabel"),
          stroke: "#0b6b5a",
          width: 2,
          fill: "rgba(11, 107, 90, 0.12)",
          points: { show: points.length < 40, size: 6 },
        },
      ],
    },
    [xs, ys],
    container,
  );
  const resize = new ResizeObserver(() =>
    chart.setSize({ width: Math.max(container.clientWidth, 240), height: HEIGHT }),
  );
  resize.observe(container);
  return () => {
    resize.disconnect();
    chart.destroy();
  };
}
