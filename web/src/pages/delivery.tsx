/** Delivery performance of a service or every service over a window: the DORA keys with their tiers, week by week, and the KPIs. */
import { lazy, Suspense, useEffect, useState } from "react";
import { api, qs } from "../api";
import { setQuery, useLocation } from "../router";
import type { DeliveryWeek, Distribution, DoraReport, Kpi } from "../types";
import { Async, Badge, Empty, humanDuration, Loading, PageHeader, percent, useApi } from "../ui";
import { sortEnvironments } from "./matrix";

const DeliveryCharts = lazy(() => import("../charts").then((m) => ({ default: m.DeliveryCharts })));

const WINDOWS = ["30d", "90d", "180d", "365d"];
const DEFAULT_WINDOW = "90d";

interface DeliveryData {
  dora: DoraReport;
  kpis: Kpi[];
  weeks: DeliveryWeek[];
}

async function loadDelivery(key: string): Promise<DeliveryData> {
  const [dora, kpis, series] = await Promise.all([
    api<DoraReport>("GET", `/metrics/dora${key}`),
    api<{ kpis: Kpi[] }>("GET", `/metrics/kpis${key}`),
    api<{ weeks: DeliveryWeek[] }>("GET", `/metrics/dora/series${key}`),
  ]);
  return { dora, kpis: kpis.kpis, weeks: series.weeks };
}

/** The services and environments the filters offer (the token's own services; environments deployed to). */
async function loadChoices(): Promise<{ services: string[]; environments: string[] }> {
  const [s, m] = await Promise.all([api<{ services: { name: string }[] }>("GET", "/services"), api<{ environments: string[] }>("GET", "/matrix?page_size=1")]);
  return { services: s.services.map((x) => x.name).sort(), environments: sortEnvironments(m.environments) };
}

export function DeliveryPage() {
  const { query } = useLocation();
  const service = query.get("service") ?? "";
  const environment = query.get("environment") ?? "";
  const since = query.get("since") ?? DEFAULT_WINDOW;
  const key = qs({ service, environment, since });
  const result = useApi(() => loadDelivery(key), key);
  return (
    <>
      <PageHeader title="Delivery" sub="The DORA keys with their performance tiers, week by week, and the delivery KPIs, read from what Slipway recorded." />
      <Filters service={service} environment={environment} since={since} />
      <Async result={result} what="the delivery metrics">
        {(data) => <Report data={data} />}
      </Async>
    </>
  );
}

function Filters({ service, environment, since }: { service: string; environment: string; since: string }) {
  const choices = useApi(loadChoices, "choices");
  const services = choices.data?.services ?? [];
  const environments = choices.data?.environments ?? [];
  // Typing a service name filters once it names a service (or is cleared), or on Enter: not on every keystroke.
  const [draft, setDraft] = useState(service);
  useEffect(() => setDraft(service), [service]);
  const onService = (value: string) => {
    setDraft(value);
    if (value === "" || services.includes(value)) setQuery({ service: value });
  };
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => (e.preventDefault(), setQuery({ service: draft.trim() }))}>
      <label className="field">
        <span>Service</span>
        <input value={draft} list="delivery-services" placeholder="all services" autoComplete="off" onChange={(e) => onService(e.target.value)} onBlur={() => draft !== service && setQuery({ service: draft.trim() })} />
        <datalist id="delivery-services">
          {services.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span>Environment</span>
        <select value={environment} onChange={(e) => setQuery({ environment: e.target.value })}>
          <option value="">production environments</option>
          {[...new Set([...environments, ...(environment ? [environment] : [])])].map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Window</span>
        <select value={since} onChange={(e) => setQuery({ since: e.target.value === DEFAULT_WINDOW ? undefined : e.target.value })}>
          {[...new Set([...WINDOWS, since])].map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function Report({ data: { dora, kpis, weeks } }: { data: DeliveryData }) {
  const scope = `${dora.scope.service ?? "All services"} · ${dora.scope.environment ?? "production environments"}`;
  return (
    <>
      <p className="count">
        {scope} · {day(dora.window.since)} to {day(dora.window.until)} ({dora.window.days} days) · {dora.deployments} production deployment{dora.deployments === 1 ? "" : "s"}
      </p>
      {dora.note && (
        <p className="callout info" role="note">
          {dora.note[0]!.toUpperCase() + dora.note.slice(1)}.
        </p>
      )}
      <section aria-labelledby="dora-keys">
        <h2 id="dora-keys" className="visually-hidden">
          DORA keys
        </h2>
        <div className="dora-grid">
          {cardsOf(dora).map((c) => (
            <DoraCard key={c.name} card={c} year={dora.reportYear} />
          ))}
        </div>
      </section>
      <Weeks weeks={weeks} />
      <Kpis kpis={kpis} />
    </>
  );
}

interface Card {
  name: string;
  value: string | null;
  detail: string | null;
  tier: string;
  band: string | null;
  definition: string;
}

/** A number as read at a glance: 12, 3.5, 0.47. */
const num = (n: number) => (n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : String(Number(n.toPrecision(2))));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const dist = (d: Distribution, one: string, many?: string) => `p90 ${humanDuration(d.p90Ms)} · ${plural(d.count, one, many)}`;

export function cardsOf(dora: DoraReport): Card[] {
  const k = dora.keys;
  const card = (name: string, answer: { tier: string; band: string | null; definition: string }, value: string | null, detail: string | null): Card => ({ name, value, detail, tier: answer.tier, band: answer.band, definition: answer.definition });
  const f = k.deploymentFrequency.value;
  const lead = k.leadTime.value;
  const cfr = k.changeFailRate.value;
  const rec = k.recoveryTime.value;
  const rework = k.reworkRate.value;
  return [
    card("Deployment frequency", k.deploymentFrequency, f && `${num(f.perWeek)} / week`, f && `${num(f.perDay)} a day · ${plural(f.successful, "successful deployment")}`),
    card("Change lead time", k.leadTime, lead && `${humanDuration(lead.medianMs)} median`, lead && dist(lead, "commit")),
    card("Change fail rate", k.changeFailRate, cfr && percent(cfr.rate), cfr && `${cfr.failed} of ${plural(cfr.deployments, "deployment")} failed`),
    card("Failed deployment recovery time", k.recoveryTime, rec && `${humanDuration(rec.medianMs)} median`, rec && `${dist(rec, "recovery", "recoveries")}${rec.unrecovered ? ` · ${rec.unrecovered} not recovered yet` : ""}`),
    card("Deployment rework rate", k.reworkRate, rework && percent(rework.rate), rework && `${rework.unplanned} of ${plural(rework.deployments, "deployment")} unplanned`),
  ];
}

function DoraCard({ card: c, year }: { card: Card; year: number }) {
  const id = `dora-${c.name.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <article className="card dora-card" aria-labelledby={id}>
      <h3 id={id}>{c.name}</h3>
      <div className="dora-value">{c.value ?? "no data"}</div>
      {c.detail && <div className="dora-detail">{c.detail}</div>}
      <div className="dora-tier">
        <span className="muted">DORA {year} tier:</span> <Badge value={c.tier} label={c.tier} />
        {c.band && <div className="dora-band">report band: {c.band}</div>}
      </div>
      <p className="definition">{c.definition}</p>
    </article>
  );
}

function Weeks({ weeks }: { weeks: DeliveryWeek[] }) {
  if (!weeks.some((w) => w.deployments > 0)) return <Empty title="No production deployments in these weeks">Widen the window, or choose another service or environment.</Empty>;
  return (
    <section aria-labelledby="weeks" className="weeks">
      <h2 id="weeks">Week by week</h2>
      <Suspense fallback={<Loading what="the charts" />}>
        <DeliveryCharts weeks={weeks} />
      </Suspense>
      <details className="card">
        <summary>The weeks as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Week from</th>
              <th scope="col" className="right">Deployments</th>
              <th scope="col" className="right">Succeeded</th>
              <th scope="col" className="right">Failed changes</th>
              <th scope="col" className="right">Change fail rate</th>
              <th scope="col" className="right">Lead time (median)</th>
            </tr>
          </thead>
          <tbody>
            {weeks.map((w) => (
              <tr key={w.from}>
                <td>
                  {day(w.from)}
                  {w.days < 7 && <span className="muted"> ({plural(w.days, "day")})</span>}
                </td>
                <td className="right">{w.deployments}</td>
                <td className="right">{w.succeeded}</td>
                <td className="right">{w.failedChanges}</td>
                <td className="right">{w.changeFailRate === null ? "—" : percent(w.changeFailRate)}</td>
                <td className="right">{w.leadTime ? humanDuration(w.leadTime.medianMs) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

const KPI_NAMES: Record<string, string> = {
  deploymentSuccessRate: "Deployment success rate",
  rollbackSuccessRate: "Rollback success rate",
  verificationCompletion: "Post-deploy verification completion",
  timeToRestore: "Time to restore",
  approvalWaitTime: "Approval wait time",
  automationCoverage: "Automation coverage",
  auditCompleteness: "Audit completeness",
  pipelinePassRate: "Pipeline pass rate",
  triageTime: "Triage time",
};

function kpiValue(k: Kpi): string {
  if (k.value === null) return "no data";
  if (typeof k.value === "number") return `${percent(k.value)} (${k.numerator} / ${k.denominator})`;
  return `${humanDuration(k.value.medianMs)} median, p90 ${humanDuration(k.value.p90Ms)} (${k.value.count})`;
}

function Kpis({ kpis }: { kpis: Kpi[] }) {
  return (
    <section className="card" aria-labelledby="kpis">
      <h2 id="kpis">KPIs</h2>
      <table className="kpis">
        <thead>
          <tr>
            <th scope="col">KPI</th>
            <th scope="col">Value</th>
            <th scope="col">Definition</th>
          </tr>
        </thead>
        <tbody>
          {kpis.map((k) => (
            <tr key={k.key}>
              <th scope="row">{KPI_NAMES[k.key] ?? k.key}</th>
              <td className={k.value === null ? "none" : "strong"}>{kpiValue(k)}</td>
              <td className="definition">{k.definition}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
