/** What changed in a window (for incident bridges): deployments, rollbacks, overrides, config changes. */
import { api, qs } from "../api";
import { Link, setQuery, useLocation } from "../router";
import { Async, Badge, Empty, PageHeader, Time, useApi } from "../ui";

interface Change {
  at: number;
  kind: string;
  service: string;
  environment: string | null;
  version: string | null;
  previousVersion: string | null;
  actor: string;
  reason: string | null;
  state: string | null;
  id: string;
}

const WINDOWS = ["30m", "2h", "12h", "24h", "7d"];

export function ChangesPage() {
  const { query } = useLocation();
  const since = query.get("since") ?? "2h";
  const environment = query.get("environment") ?? "";
  const service = query.get("service") ?? "";
  const key = qs({ since, environment, service });
  const result = useApi(() => api<{ changes: Change[] }>("GET", `/changes${key}`), key);
  return (
    <>
      <PageHeader title="Changes" sub="Everything that changed in a window, newest first: what to look at first on an incident bridge." />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Window</span>
          <select value={since} onChange={(e) => setQuery({ since: e.target.value })}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                last {w}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Environment</span>
          <input value={environment} placeholder="all" onChange={(e) => setQuery({ environment: e.target.value })} />
        </label>
        <label className="field">
          <span>Service</span>
          <input value={service} placeholder="all" onChange={(e) => setQuery({ service: e.target.value })} />
        </label>
      </form>
      <Async result={result} what="the changes">
        {({ changes }) =>
          changes.length === 0 ? (
            <Empty title={`Nothing changed in the last ${since}`}>Widen the window or clear the filters.</Empty>
          ) : (
            <table className="card-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Service</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Version</th>
                  <th scope="col">State</th>
                  <th scope="col">By</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={`${c.kind}:${c.id}`}>
                    <td>
                      <Time at={c.at} />
                    </td>
                    <td>{c.state !== null ? <Link to={`/deployments/${c.id}`}>{c.kind.replace(/_/g, " ")}</Link> : c.kind.replace(/_/g, " ")}</td>
                    <td>
                      <Link to={`/services/${c.service}`}>{c.service}</Link>
                    </td>
                    <td>{c.environment ?? "all"}</td>
                    <td className="mono">
                      {c.previousVersion ? `${c.previousVersion} → ` : ""}
                      {c.version ?? "—"}
                    </td>
                    <td>{c.state ? <Badge value={c.state} /> : "—"}</td>
                    <td>
                      {c.actor}
                      {c.reason && <div className="hint">{c.reason}</div>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </>
  );
}
