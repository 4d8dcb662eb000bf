/** One deployment as a story, live: state, plan, timeline, canary charts, log tail, and the actions the token may take. */
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useMe } from "../app";
import type { ApiError} from "../api";
import { api, qs } from "../api";
import { useDeploymentEvents, type LiveStatus } from "../live";
import { Link, navigate } from "../router";
import { may } from "../session";
import { Timeline } from "../timeline";
import type { Decision, Deployment, DeploymentDetail, Step, TimelineEvent } from "../types";
import { Async, Badge, Empty, ErrorBox, Loading, PageHeader, shortDigest, Time, toApiError, useApi } from "../ui";

// uPlot is most of this page's weight: it loads when the first chart is shown.
const CheckChart = lazy(() => import("../charts").then((m) => ({ default: m.CheckChart })));

const TERMINAL = ["succeeded", "rolled_back", "rollback_failed", "failed", "cancelled", "rejected"];
/** Bounds what a page following a long canary keeps in memory. */
const MAX_EVENTS = 2000;
const MAX_DECISIONS = 5000;

interface ReplicaLog {
  replica: string;
  version: string;
  state: string;
  lines: string[];
}

export function DeploymentPage({ id }: { id: string }) {
  const [nonce, setNonce] = useState(0);
  const result = useApi(() => api<DeploymentDetail>("GET", `/deployments/${encodeURIComponent(id)}`), `${id}:${nonce}`);
  const [events, setEvents] = useState<TimelineEvent[]>([]);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [detail, setDetail] = useState<DeploymentDetail | null>(null);
  const refetch = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (!result.data) return;
    setDetail(result.data);
    setEvents(result.data.timeline.slice(-MAX_EVENTS));
    setDecisions(result.data.decisions.slice(-MAX_DECISIONS));
  }, [result.data]);
  useEffect(() => () => clearTimeout(refetch.current), []);
  useEffect(() => {
    setDetail(null);
    setEvents([]);
    setDecisions([]);
  }, [id]);
  const onEvent = useCallback((e: TimelineEvent) => {
    setEvents((prev) => (prev.some((x) => x.seq === e.seq) ? prev : [...prev, e].slice(-MAX_EVENTS)));
    if (e.action === "analysis.evaluated") {
      const p = e.payload as { stepIdx: number; decisions: Omit<Decision, "at" | "stepIdx">[] };
      setDecisions((prev) => [...prev, ...p.decisions.map((d) => ({ ...d, at: e.at, stepIdx: p.stepIdx }))].slice(-MAX_DECISIONS));
    } else {
      // State, steps and approvals change on these: read the deployment again, at most every 300 ms.
      clearTimeout(refetch.current);
      refetch.current = setTimeout(() => setNonce((n) => n + 1), 300);
    }
  }, []);
  const d = detail?.deployment;
  const lastSeq = detail ? (detail.timeline[detail.timeline.length - 1]?.seq ?? 0) : null;
  const live = useDeploymentEvents(id, lastSeq, d !== undefined && !TERMINAL.includes(d.state), onEvent);
  return (
    <>
      <PageHeader
        title={d ? `${d.service} · ${d.environment}` : "Deployment"}
        sub={
          d ? (
            <>
              <Link to={`/services/${d.service}`}>{d.service}</Link> · {d.kind === "rollback" ? "rollback" : "deployment"} <span className="mono">{id}</span>
            </>
          ) : (
            <span className="mono">{id}</span>
          )
        }
        actions={d && <LiveBadge status={TERMINAL.includes(d.state) ? "ended" : live} />}
      />
      {!detail ? (
        <Async result={result} what="the deployment">
          {() => null}
        </Async>
      ) : (
        <Body detail={detail} events={events} decisions={decisions} onChanged={() => setNonce((n) => n + 1)} />
      )}
    </>
  );
}

function LiveBadge({ status }: { status: LiveStatus }) {
  const text = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", ended: "finished", off: "not live" }[status];
  return (
    <span className={`live live-${status}`} role="status" aria-live="polite">
      <span className="dot" aria-hidden="true" /> {text}
    </span>
  );
}

function Body({ detail, events, decisions, onChanged }: { detail: DeploymentDetail; events: TimelineEvent[]; decisions: Decision[]; onChanged: () => void }) {
  const d = detail.deployment;
  const checks = useMemo(() => [...new Set(decisions.map((x) => x.check))], [decisions]);
  return (
    <div className="deployment">
      <Summary d={d} />
      <Actions d={d} onChanged={onChanged} />
      <div className="two-col">
        <section className="card">
          <h2>Plan</h2>
          <Plan steps={detail.steps} />
        </section>
        <section className="card">
          <h2>Timeline</h2>
          {events.length === 0 ? <Empty title="No events yet" /> : <Timeline events={events} />}
        </section>
      </div>
      <section className="card">
        <h2>Canary analysis</h2>
        {checks.length === 0 ? (
          <Empty title="No analysis yet">{d.strategy === "canary" ? "Decisions appear here when the canary's first pause begins." : `A ${d.strategy} deployment is verified by probes, not analysis.`}</Empty>
        ) : (
          <Suspense fallback={<Loading what="the charts" />}>
            <div className="charts">
              {checks.map((c) => (
                <CheckChart key={c} check={c} decisions={decisions.filter((x) => x.check === c)} percent={!/latency|p\d\d/.test(c)} />
              ))}
            </div>
          </Suspense>
        )}
        {checks.length > 0 && <Verdicts decisions={decisions} />}
      </section>
      <Logs id={d.id} version={events.length} />
    </div>
  );
}

function Summary({ d }: { d: Deployment }) {
  return (
    <section className="card summary">
      <dl>
        <div>
          <dt>State</dt>
          <dd>
            <Badge value={d.state} />
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd className="mono">
            {d.previousVersion ? `${d.previousVersion} → ` : ""}
            {d.version}
          </dd>
        </div>
        <div>
          <dt>Digest</dt>
          <dd className="mono">{shortDigest(d.digest)}</dd>
        </div>
        <div>
          <dt>Strategy</dt>
          <dd>{d.strategy}</dd>
        </div>
        <div>
          <dt>By</dt>
          <dd>{d.actor}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time at={d.createdAt} />
          </dd>
        </div>
      </dl>
      {d.waitingFor && !TERMINAL.includes(d.state) && <p className="callout warn">Waiting for {d.waitingFor}.</p>}
      {d.error && (
        <div className="callout error" role="alert">
          <strong>{d.error}</strong>
          {d.errorHint && <p className="hint">{d.errorHint}</p>}
        </div>
      )}
    </section>
  );
}

function Plan({ steps }: { steps: Step[] }) {
  if (steps.length === 0) return <Empty title="No plan yet">The plan is made when the deployment starts.</Empty>;
  return (
    <ol className="plan">
      {steps.map((s) => (
        <li key={s.idx} className={`step-${s.state}`}>
          <span className="step-mark" aria-hidden="true" />
          <span className="step-name">
            {s.params.kind.replace(/_/g, " ")}
            {s.params.kind === "shift" ? ` to ${String(s.params.weight)}%` : s.params.kind === "start" ? ` ×${String(s.params.count)}` : s.params.kind === "analyse" ? ` ${Math.round(Number(s.params.pauseMs) / 1000)} s` : ""}
          </span>
          <Badge value={s.state === "done" ? "succeeded" : s.state} label={s.state} />
        </li>
      ))}
    </ol>
  );
}

function Verdicts({ decisions }: { decisions: Decision[] }) {
  const latest = new Map<string, Decision>();
  for (const x of decisions) latest.set(x.check, x);
  return (
    <table className="verdicts">
      <caption>Latest verdict per check</caption>
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Verdict</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {[...latest.values()].map((x) => (
          <tr key={x.check}>
            <td>{x.check}</td>
            <td>
              <Badge value={x.verdict} />
            </td>
            <td className="reason">{x.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Actions({ d, onChanged }: { d: Deployment; onChanged: () => void }) {
  const me = useMe();
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const canApprove = d.state === "awaiting_approval" && may(me, "approver", d.service, d.environment);
  const canCancel = !TERMINAL.includes(d.state) && d.state !== "rolling_back" && !d.cancelRequested && may(me, "deployer", d.service, d.environment);
  const canRollBack = d.state === "succeeded" && d.previousVersion !== null && may(me, "deployer", d.service, d.environment);
  if (!canApprove && !canCancel && !canRollBack) return null;
  const act = async (method: string, path: string, body: unknown, after?: (r: unknown) => void) => {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const r = await api<unknown>(method, path, body);
      after?.(r);
      onChanged();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const base = `/deployments/${encodeURIComponent(d.id)}`;
  return (
    <section className="card actions-card" aria-label="Actions">
      {canApprove && (
        <div className="approve">
          <label htmlFor="decision-comment">Comment</label>
          <textarea id="decision-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Why you approve or reject (a rejection needs one)" />
          <div className="row">
            <button type="button" className="btn primary" disabled={busy} onClick={() => act("POST", `${base}/approve`, { comment: comment || undefined }, (r) => setNote((r as { note: string }).note))}>
              Approve
            </button>
            <button type="button" className="btn danger" disabled={busy} onClick={() => act("POST", `${base}/reject`, { comment })}>
              Reject
            </button>
          </div>
        </div>
      )}
      <div className="row">
        {canCancel && (
          <button type="button" className="btn danger" disabled={busy} onClick={() => confirm(`Cancel ${d.service} ${d.version} in ${d.environment}? What ran before is restored.`) && act("POST", `${base}/cancel`, undefined)}>
            Cancel deployment
          </button>
        )}
        {canRollBack && (
          <button type="button" className="btn danger" disabled={busy} onClick={() => confirm(`Roll ${d.environment} back to ${d.previousVersion}?`) && act("POST", "/rollbacks", { service: d.service, environment: d.environment, to: d.previousVersion, reason: `rolled back from the dashboard (deployment ${d.id})` }, (r) => navigate(`/deployments/${(r as { deployment: { id: string } }).deployment.id}`))}>
            Roll back to {d.previousVersion}
          </button>
        )}
      </div>
      {note && <p className="callout ok" role="status">{note}</p>}
      {error && <ErrorBox error={error} />}
    </section>
  );
}

function Logs({ id, version }: { id: string; version: number }) {
  // Read again when the timeline moves (a new event), not on a timer.
  const bucket = Math.floor(version / 5);
  const result = useApi(() => api<{ replicas: ReplicaLog[] }>("GET", `/deployments/${encodeURIComponent(id)}/logs${qs({ lines: 60 })}`), `${id}:${bucket}`);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Log tail</h2>
        <button type="button" className="btn small" onClick={result.reload}>
          Refresh
        </button>
      </div>
      <Async result={result} what="the logs">
        {(data) =>
          data.replicas.length === 0 ? (
            <Empty title="No replica logs">This deployment started no replicas of its own (yet).</Empty>
          ) : (
            <div className="logs">
              {data.replicas.map((r) => (
                <div key={r.replica}>
                  <div className="log-head">
                    replica <span className="mono">{r.replica.slice(-8)}</span> · {r.version} · {r.state}
                  </div>
                  <pre className="log" tabIndex={0} aria-label={`log of replica ${r.replica.slice(-8)}`}>{r.lines.join("\n") || "(empty)"}</pre>
                </div>
              ))}
            </div>
          )
        }
      </Async>
    </section>
  );
}
