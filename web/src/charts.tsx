/**
 * Canary vs baseline per analysis check, drawn with uPlot (canvas, ~50 kB, made for time series
 * updated live): the canary's and the baseline's value at each look, the limit they are held
 * against, and the decision points (where the verdict changed, and every fail).
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { Decision } from "./types";

const COLORS = { canary: "#d97706", baseline: "#2563eb", limit: "#dc2626", pass: "#059669", fail: "#dc2626" };

export function seriesOf(decisions: Decision[]): uPlot.AlignedData {
  const xs: number[] = [];
  const canary: (number | null)[] = [];
  const baseline: (number | null)[] = [];
  const limit: (number | null)[] = [];
  const fail: (number | null)[] = [];
  const pass: (number | null)[] = [];
  let previous = "";
  for (const d of decisions) {
    xs.push(d.at / 1000);
    const v = d.numbers.value ?? null;
    canary.push(v);
    baseline.push(d.numbers.baselineValue ?? null);
    limit.push(d.numbers.limit ?? null);
    const changed = d.verdict !== previous;
    fail.push(d.verdict === "fail" ? (v ?? d.numbers.limit ?? 0) : null);
    pass.push(d.verdict === "pass" && changed ? (v ?? 0) : null);
    previous = d.verdict;
  }
  return [xs, canary, baseline, limit, fail, pass];
}

const points = (color: string): uPlot.Series => ({ stroke: color, fill: color, width: 0, paths: () => null, points: { show: true, size: 9, stroke: color, fill: color } });

export function CheckChart({ check, decisions, percent }: { check: string; decisions: Decision[]; percent: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = seriesOf(decisions);
  useEffect(() => {
    const el = box.current!;
    const fmt = (v: number | null) => (v === null ? "—" : percent ? `${(v * 100).toFixed(2)} %` : `${v.toFixed(0)} ms`);
    plot.current = new uPlot(
      {
        width: Math.max(320, el.clientWidth),
        height: 220,
        legend: { live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1e-9) * 1.15] } },
        axes: [{ stroke: "#64748b", grid: { stroke: "#eef2f7" } }, { stroke: "#64748b", grid: { stroke: "#eef2f7" }, size: 64, values: (_u, vals) => vals.map((v) => fmt(v)) }],
        series: [
          {},
          { label: "canary", stroke: COLORS.canary, width: 2, value: (_u, v) => fmt(v) },
          { label: "baseline", stroke: COLORS.baseline, width: 2, value: (_u, v) => fmt(v) },
          { label: "limit", stroke: COLORS.limit, width: 1.5, dash: [6, 4], value: (_u, v) => fmt(v) },
          { label: "fail", ...points(COLORS.fail) },
          { label: "pass", ...points(COLORS.pass) },
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(320, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [percent]);
  useEffect(() => {
    const p = plot.current;
    if (!p) return;
    p.setData(data);
    // One look so far: a minute around it, not uPlot's default span of years.
    const xs = data[0];
    if (xs.length === 1) p.setScale("x", { min: xs[0]! - 30, max: xs[0]! + 30 });
  });
  const last = decisions[decisions.length - 1];
  return (
    <figure className="chart">
      <figcaption>
        <strong>{check}</strong> — canary vs baseline
        {last && (
          <span className="chart-now">
            {" "}
            latest: canary {last.numbers.value === null ? "—" : percent ? `${(last.numbers.value * 100).toFixed(2)} %` : `${last.numbers.value.toFixed(0)} ms`}
            {last.numbers.limit !== null ? `, limit ${percent ? `${(last.numbers.limit * 100).toFixed(2)} %` : `${last.numbers.limit.toFixed(0)} ms`}` : ""}, {last.numbers.requests} requests
          </span>
        )}
      </figcaption>
      <div ref={box} className="chart-box" role="img" aria-label={`${check} of the canary and the baseline over time, with the limit and decision points`} />
    </figure>
  );
}
