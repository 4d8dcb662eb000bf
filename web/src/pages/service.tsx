/** One service: what runs in each environment, promotion, artifacts with their commits, history. */
import { useState } from "react";
import { useMe } from "../app";
import { api, qs } from "../api";
import { ConfirmDialog, type Intent } from "../gates";
import { Link } from "../router";
import { may } from "../session";
import type { Artifact, Deployment, EnvironmentStatus, ServiceConfig } from "../types";
import { Async, Badge, Empty, PageHeader, shortDigest, Time, useApi } from "../ui";
import { sortEnvironments } from "./matrix";

interface ServiceData {
  config: ServiceConfig;
  status: EnvironmentStatus[];
  artifacts: Artifact[];
  history: Deployment[];
}

async function loadService(name: string): Promise<ServiceData> {
  const [svc, status, artifacts, history] = await Promise.all([
    api<{ config: ServiceConfig }>("GET", `/services/${encodeURIComponent(name)}`),
    api<{ environments: EnvironmentStatus[] }>("GET", `/status${qs({ service: name })}`),
    api<{ artifacts: Artifact[] }>("GET", `/artifacts/${encodeURIComponent(name)}`),
    api<{ deployments: Deployment[] }>("GET", `/deployments${qs({ service: name, limit: 50 })}`),
  ]);
  return { config: svc.config, status: status.environments, artifacts: artifacts.artifacts, history: history.deployments };
}

export function ServicePage({ name }: { name: string }) {
  const result = useApi(() => loadService(name), name);
  const [intent, setIntent] = useState<Intent | null>(null);
  return (
    <>
      <PageHeader title={name} sub={result.data ? `Owned by ${result.data.config.owner}` : "Service"} actions={<Link to={`/why?service=${encodeURIComponent(name)}`} className="btn">Why can't I deploy?</Link>} />
      <Async result={result} what="the service">
        {(data) => (
          <>
            <Environments data={data} onIntent={setIntent} />
            <Artifacts data={data} onIntent={setIntent} />
            <History deployments={data.history} />
          </>
        )}
      </Async>
      {intent && <ConfirmDialog intent={intent} onClose={() => setIntent(null)} />}
    </>
  );
}

function Environments({ data, onIntent }: { data: ServiceData; onIntent: (i: Intent) => void }) {
  const me = useMe();
  const envs = sortEnvironments(Object.keys(data.config.environments));
  const statusOf = (env: string) => data.status.find((s) => s.environment === env);
  return (
    <section className="card">
      <h2>Environments</h2>
      <div className="env-grid">
        {envs.map((env) => {
          const st = statusOf(env);
          const from = data.config.environments[env]?.requires?.promoted_from;
          const source = from ? statusOf(from) : undefined;
          const canPromote = from && source?.version && source.version !== st?.version && may(me, "deployer", data.config.service, env);
          return (
            <article key={env} className="env-card" aria-label={`environment ${env}`}>
              <header>
                <h3>{env}</h3>
                <span className="strategy">{data.config.environments[env]?.strategy?.type ?? "rolling"}</span>
              </header>
              <div className="env-version">{st?.version ?? "not deployed"}</div>
              <div className="env-meta">
                {st?.version ? (
                  <>
                    since <Time at={st.since} /> · {st.health}
                  </>
                ) : (
                  "nothing runs here yet"
                )}
              </div>
              {st && st.weights.length > 1 && (
                <div className="weights">
                  {st.weights.map((w) => (
                    <span key={w.version}>
                      {w.version}: {w.weight}%
                    </span>
                  ))}
                </div>
              )}
              {st?.inFlight && (
                <Link to={`/deployments/${st.inFlight.id}`} className="cell-pending">
                  <Badge value={st.inFlight.state} /> {st.inFlight.version}
                </Link>
              )}
              {from && <div className="env-meta">promoted from {from}</div>}
              {canPromote && (
                <button type="button" className="btn primary small" onClick={() => onIntent({ kind: "promote", service: data.config.service, from, environment: env, version: source.version! })}>
                  Promote {source.version} from {from}
                </button>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}

function Artifacts({ data, onIntent }: { data: ServiceData; onIntent: (i: Intent) => void }) {
  const me = useMe();
  const envs = sortEnvironments(Object.keys(data.config.environments));
  const [target, setTarget] = useState(envs[0] ?? "");
  const canDeploy = may(me, "deployer", data.config.service, target);
  const artifacts = [...data.artifacts].sort((a, b) => b.createdAt - a.createdAt).slice(0, 20);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Artifacts</h2>
        {may(me, "deployer", data.config.service) && (
          <label className="field inline">
            <span>Deploy to</span>
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              {envs.map((e) => (
                <option key={e}>{e}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {artifacts.length === 0 ? (
        <Empty title="No artifacts pushed yet">Push one with <code>slipway artifact push</code>.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Digest</th>
              <th scope="col">Commit</th>
              <th scope="col">Author</th>
              <th scope="col">Pushed</th>
              {canDeploy && <th scope="col"><span className="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {artifacts.map((a) => (
              <tr key={a.id}>
                <td className="mono strong">{a.version}</td>
                <td className="mono">{shortDigest(a.digest)}</td>
                <td className="mono">{a.commit ? a.commit.slice(0, 10) : "—"}</td>
                <td>{a.author ?? "—"}</td>
                <td>
                  <Time at={a.createdAt} />
                </td>
                {canDeploy && (
                  <td className="right">
                    <button type="button" className="btn small" onClick={() => onIntent({ kind: "deploy", service: data.config.service, environment: target, version: a.version })}>
                      Deploy {a.version} to {target}…
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function History({ deployments }: { deployments: Deployment[] }) {
  return (
    <section className="card">
      <h2>History</h2>
      {deployments.length === 0 ? (
        <Empty title="No deployments yet" />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Environment</th>
              <th scope="col">Version</th>
              <th scope="col">State</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {deployments.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/deployments/${d.id}`} className="mono">
                    {d.id.slice(-8)}
                  </Link>
                  {d.kind === "rollback" && <span className="tag">rollback</span>}
                </td>
                <td>{d.environment}</td>
                <td className="mono">
                  {d.previousVersion ? `${d.previousVersion} → ` : ""}
                  {d.version}
                </td>
                <td>
                  <Badge value={d.state} />
                </td>
                <td>{d.actor}</td>
                <td>
                  <Time at={d.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
