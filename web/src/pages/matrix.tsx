/** Services × environments: what runs where, since when, its health and what waits. Paged and filtered by the server. */
import { useEffect, useState } from "react";
import { api, qs } from "../api";
import { Link, setQuery, useLocation } from "../router";
import { Async, Badge, Empty, PageHeader, Time, useApi } from "../ui";

export interface MatrixCell {
  version: string | null;
  since: number | null;
  currentDeploymentId: string | null;
  replicas: { running: number; crashed: number };
  last: { id: string; version: string; state: string; at: number } | null;
  pending: { id: string; version: string; state: string; waitingFor: string | null } | null;
}
interface MatrixPageData {
  total: number;
  page: number;
  pageSize: number;
  environments: string[];
  rows: { service: string; owner: string; cells: Record<string, MatrixCell> }[];
}

const ORDER = ["dev", "development", "test", "qa", "staging", "stage", "preprod", "canary", "prod", "production"];
/** Promotion order first (dev → staging → prod), then by name. */
export function sortEnvironments(names: string[]): string[] {
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const PAGE_SIZE = 50;

export function MatrixPage() {
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const team = query.get("team") ?? "";
  const environment = query.get("environment") ?? "";
  const state = query.get("state") ?? "";
  const page = Number(query.get("page") ?? "1") || 1;
  // The search box answers each keystroke at once; the URL (and the request) follow it.
  const [search, setSearch] = useState(q);
  useEffect(() => {
    setSearch(q);
  }, [q]);
  const key = qs({ q, team, environment, state, page, page_size: PAGE_SIZE });
  const result = useApi(() => api<MatrixPageData>("GET", `/matrix${key}`), key);
  const onSearch = (value: string) => {
    setSearch(value);
    setQuery({ q: value, page: undefined });
  };
  return (
    <>
      <PageHeader title="Environments" sub="What runs where, since when, and what waits for a person." />
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field grow">
          <span>Search</span>
          <input type="search" placeholder="Service or team" value={search} onChange={(e) => onSearch(e.target.value)} aria-describedby="matrix-count" />
        </label>
        <label className="field">
          <span>Team</span>
          <input value={team} placeholder="any" onChange={(e) => setQuery({ team: e.target.value, page: undefined })} />
        </label>
        <label className="field">
          <span>Environment</span>
          <input value={environment} placeholder="all" onChange={(e) => setQuery({ environment: e.target.value, page: undefined })} />
        </label>
        <label className="field">
          <span>State</span>
          <select value={state} onChange={(e) => setQuery({ state: e.target.value, page: undefined })}>
            <option value="">any</option>
            <option value="awaiting_approval">awaiting approval</option>
            <option value="in_progress">deploying now</option>
            <option value="attention">needs attention</option>
          </select>
        </label>
      </form>
      <Async result={result} what="the environments">
        {(data) => <MatrixTable data={data} loading={result.loading} query={result.dataKey ?? ""} />}
      </Async>
    </>
  );
}

function MatrixTable({ data, loading, query }: { data: MatrixPageData; loading: boolean; query: string }) {
  const envs = sortEnvironments(data.environments);
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const from = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const to = Math.min(data.total, data.page * data.pageSize);
  return (
    <section aria-busy={loading}>
      <p id="matrix-count" className="count" aria-live="polite" data-query={query}>
        {data.total === 0 ? "No services match." : `Services ${from}–${to} of ${data.total.toLocaleString("en")}`}
      </p>
      {data.rows.length === 0 ? (
        <Empty title="Nothing to show">Register a service with <code>slipway apply</code>, or clear the filters.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="matrix">
            <thead>
              <tr>
                <th scope="col">Service</th>
                {envs.map((e) => (
                  <th scope="col" key={e}>
                    {e}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.service}>
                  <th scope="row">
                    <Link to={`/services/${r.service}`} className="service-link">
                      {r.service}
                    </Link>
                    <div className="owner">{r.owner}</div>
                  </th>
                  {envs.map((e) => (
                    <td key={e}>
                      <Cell cell={r.cells[e]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="btn small" disabled={data.page <= 1} onClick={() => setQuery({ page: String(data.page - 1) })}>
            ← Previous
          </button>
          <span>
            Page {data.page} of {pages.toLocaleString("en")}
          </span>
          <button type="button" className="btn small" disabled={data.page >= pages} onClick={() => setQuery({ page: String(data.page + 1) })}>
            Next →
          </button>
        </nav>
      )}
    </section>
  );
}

export function healthOf(cell: MatrixCell): { tone: string; label: string } {
  if (!cell.version) return { tone: "muted", label: "not deployed" };
  if (cell.replicas.crashed > 0) return { tone: "warn", label: `${cell.replicas.crashed} crashed` };
  if (cell.replicas.running === 0) return { tone: "muted", label: "no replica reported" };
  return { tone: "ok", label: `${cell.replicas.running} up` };
}

function Cell({ cell }: { cell: MatrixCell | undefined }) {
  if (!cell) return <span className="none">—</span>;
  const health = healthOf(cell);
  const lastBad = cell.last && ["rolled_back", "rollback_failed", "failed"].includes(cell.last.state);
  return (
    <div className="cell">
      <div className="cell-top">
        <span className="version">{cell.version ?? "none"}</span>
        <span className={`dot ${health.tone}`} role="img" aria-label={`health: ${health.label}`} />
      </div>
      <div className="cell-sub">
        <Time at={cell.since} /> · {health.label}
      </div>
      {cell.pending && (
        <Link to={`/deployments/${cell.pending.id}`} className="cell-pending">
          <Badge value={cell.pending.waitingFor && cell.pending.state === "queued" ? "held" : cell.pending.state} /> {cell.pending.version}
        </Link>
      )}
      {!cell.pending && lastBad && cell.last && (
        <Link to={`/deployments/${cell.last.id}`} className="cell-pending">
          <Badge value={cell.last.state} /> {cell.last.version}
        </Link>
      )}
    </div>
  );
}
