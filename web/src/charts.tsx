/**
 * The dashboard's charts, drawn with uPlot (canvas, ~50 kB, made for time series updated live)
 * and loaded only with a page that shows one. Canary vs baseline per analysis check: the
 * canary's and the baseline's value at each look, the limit they are held against, and the
 * decision points (where the verdict changed, and every fail). Delivery week by week:
 * production deployments (succeeded, failed), change fail rate and change lead time.
 */
import { useEffect, useRef, type DependencyList, type RefObject } from "react";
import uPlot from "uplot";
import type { Decision, DeliveryWeek } from "./types";
import { humanDuration } from "./ui";

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

const AXIS = { stroke: "#64748b", grid: { stroke: "#eef2f7" } };

/**
 * A uPlot drawn into `box`, as wide as the box (it follows resizes), made again when `deps`
 * change; `data` is given to it on every render, then `afterData` runs.
 */
function usePlot(box: RefObject<HTMLDivElement | null>, options: () => Omit<uPlot.Options, "width" | "height">, data: uPlot.AlignedData, deps: DependencyList, afterData?: (p: uPlot) => void): void {
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current!;
    const size = () => ({ width: Math.max(320, el.clientWidth), height: 220 });
    plot.current = new uPlot({ ...options(), ...size() }, data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize(size()));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The plot is made again only when `deps` change; data arrives through setData below.
  }, deps);
  useEffect(() => {
    const p = plot.current;
    if (!p) return;
    p.setData(data);
    afterData?.(p);
  });
}

export function CheckChart({ check, decisions, percent }: { check: string; decisions: Decision[]; percent: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const fmt = (v: number | null) => (v === null ? "—" : percent ? `${(v * 100).toFixed(2)} %` : `${v.toFixed(0)} ms`);
  usePlot(
    box,
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1e-9) * 1.15] } },
      axes: [AXIS, { ...AXIS, size: 64, values: (_u, vals) => vals.map((v) => fmt(v)) }],
      series: [
        {},
        { label: "canary", stroke: COLORS.canary, width: 2, value: (_u, v) => fmt(v) },
        { label: "baseline", stroke: COLORS.baseline, width: 2, value: (_u, v) => fmt(v) },
        { label: "limit", stroke: COLORS.limit, width: 1.5, dash: [6, 4], value: (_u, v) => fmt(v) },
        { label: "fail", ...points(COLORS.fail) },
        { label: "pass", ...points(COLORS.pass) },
      ],
    }),
    seriesOf(decisions),
    [percent],
    (p) => {
      // One look so far: a minute around it, not uPlot's default span of years.
      const xs = p.data[0];
      if (xs.length === 1) p.setScale("x", { min: xs[0]! - 30, max: xs[0]! + 30 });
    },
  );
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

const WEEK = { succeeded: "#059669", failed: "#dc2626", cfr: "#dc2626", lead: "#2563eb" };

/**
 * Bars of one week each: "failed" is drawn at the week's total and "succeeded" over it, so the
 * red part of a bar is what did not succeed (rolled back, failed) and its legend says how many.
 */
export function weeklyDeployments(weeks: readonly DeliveryWeek[]): uPlot.AlignedData {
  return [weeks.map((w) => w.from / 1000), weeks.map((w) => w.deployments), weeks.map((w) => w.succeeded)];
}

export function weeklyRates(weeks: readonly DeliveryWeek[]): uPlot.AlignedData {
  return [weeks.map((w) => w.from / 1000), weeks.map((w) => (w.changeFailRate === null ? null : w.changeFailRate * 100)), weeks.map((w) => (w.leadTime ? w.leadTime.medianMs / 3_600_000 : null))];
}

const bars = (color: string, size: number): Partial<uPlot.Series> => ({ stroke: color, fill: color, width: 0, paths: uPlot.paths.bars!({ size: [size, 48] }), points: { show: false } });
const weekAxis: uPlot.Axis = { ...AXIS, values: (_u, vals) => vals.map((v) => new Date(v * 1000).toISOString().slice(5, 10)) };
/** Bars are centred on their week's first day: half a week of room on each side. */
const weekScale: uPlot.Scale = { time: true, range: (_u, min, max) => [min - 3.5 * 86_400, max + 3.5 * 86_400] };

export function DeliveryCharts({ weeks }: { weeks: DeliveryWeek[] }) {
  const counts = useRef<HTMLDivElement>(null);
  const rates = useRef<HTMLDivElement>(null);
  const countData = weeklyDeployments(weeks);
  usePlot(
    counts,
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: weekScale, y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1) * 1.15] } },
      axes: [weekAxis, { ...AXIS, size: 48 }],
      series: [
        {},
        { label: "failed or rolled back", ...bars(WEEK.failed, 0.7), value: (u, v, _s, i) => (v === null || i === null ? "—" : String(v - ((u.data[2]?.[i] as number | null | undefined) ?? 0))) },
        { label: "succeeded", ...bars(WEEK.succeeded, 0.7) },
      ],
    }),
    countData,
    [],
  );
  const hours = (v: number | null) => (v === null ? "—" : humanDuration(v * 3_600_000));
  usePlot(
    rates,
    () => ({
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: weekScale, "%": { range: (_u, _min, max) => [0, Math.max(max ?? 0, 10) * 1.15] }, h: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1) * 1.15] } },
      axes: [weekAxis, { ...AXIS, scale: "%", size: 52, values: (_u, vals) => vals.map((v) => `${v} %`) }, { ...AXIS, scale: "h", side: 1, size: 64, grid: { show: false }, values: (_u, vals) => vals.map(hours) }],
      series: [
        {},
        { label: "change fail rate", scale: "%", stroke: WEEK.cfr, width: 2, points: { show: true, size: 7 }, value: (_u, v) => (v === null ? "—" : `${v.toFixed(1)} %`) },
        { label: "lead time (median)", scale: "h", stroke: WEEK.lead, width: 2, dash: [6, 3], points: { show: true, size: 7 }, value: (_u, v) => hours(v) },
      ],
    }),
    weeklyRates(weeks),
    [],
  );
  const total = weeks.reduce((s, w) => s + w.deployments, 0);
  return (
    <div className="charts">
      <figure className="chart card">
        <figcaption>
          <strong>Production deployments per week</strong> <span className="chart-now">{total} in the window; red: failed or rolled back</span>
        </figcaption>
        <div ref={counts} className="chart-box" role="img" aria-label="Production deployments per week: succeeded, and failed or rolled back" />
      </figure>
      <figure className="chart card">
        <figcaption>
          <strong>Change fail rate and lead time per week</strong> <span className="chart-now">a gap: no deployment (or no commit measured) that week</span>
        </figcaption>
        <div ref={rates} className="chart-box" role="img" aria-label="Change fail rate and median change lead time per week" />
      </figure>
    </div>
  );
}
