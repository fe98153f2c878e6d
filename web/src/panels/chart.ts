import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { HistoryPoint } from "../api.ts";
import { formatDate, formatPercent, t } from "../i18n/index.ts";

const HEIGHT = 180;

// A small line chart of the share of villages covered; the snapshots are daily
// dates, plotted at midnight UTC so that each sits on its own day.
export function historyChart(container: HTMLElement, points: HistoryPoint[]): uPlot {
  const xs = points.map((p) => Date.parse(`${p.date.slice(0, 10)}T00:00:00Z`) / 1000);
  const ys = points.map((p) => p.coverage_pct);
  const width = Math.max(container.clientWidth, 240);
  return new uPlot(
    {
      width,
      height: HEIGHT,
      title: undefined,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { values: (_u, splits) => splits.map((s) => formatDate(new Date(s * 1000).toISOString().slice(0, 10))) },
        { values: (_u, splits) => splits.map((s) => formatPercent(s)), size: 70 },
      ],
      series: [
        {},
        {
          label: t("progress.chartLabel"),
          stroke: "#1e6f5c",
          width: 2,
          fill: "rgba(30, 111, 92, 0.12)",
          points: { show: points.length < 40 },
        },
      ],
    },
    [xs, ys],
    container,
  );
}
