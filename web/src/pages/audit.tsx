/** The audit log: every state change, hash-chained; the chain is verified on the server and a break is shown where it is. */
import { api, qs } from "../api";
import { Link, setQuery, useLocation } from "../router";
import { Async, Empty, PageHeader, Time, useApi } from "../ui";

interface AuditEvent {
  seq: number;
  id: string;
  at: number;
  actor: string;
  action: string;
  subject: string;
  hash: string;
  prevHash: string;
}
interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBad?: { seq: number; id: string | null; action: string | null; reason: string };
}

const PAGE = 100;

function subjectLink(subject: string) {
  const [kind, id] = subject.split("/");
  if (kind === "deployment" && id) return <Link to={`/deployments/${id}`}>{subject}</Link>;
  if (kind === "service" && id) return <Link to={`/services/${id}`}>{subject}</Link>;
  return subject;
}

export function AuditPage() {
  const { query } = useLocation();
  const action = query.get("action") ?? "";
  const actor = query.get("actor") ?? "";
  const subject = query.get("subject") ?? "";
  const before = query.get("before") ?? "";
  const key = qs({ action, actor, subject, before, limit: PAGE });
  const verify = useApi(() => api<VerifyResult>("GET", "/audit/verify"), "verify");
  const events = useApi(() => api<{ events: AuditEvent[] }>("GET", `/audit/events${key}`), key);
  const bad = verify.data?.firstBad?.seq;
  return (
    <>
      <PageHeader title="Audit log" sub="Every state change, append-only and hash-chained: each event's hash covers the one before it." />
      <Async result={verify} what="the chain verification">
        {(v) =>
          v.ok ? (
            <p className="callout ok chain-status" role="status">
              ✓ Chain verified: all {v.checked.toLocaleString("en")} events hash and link correctly.
            </p>
          ) : (
            <div className="callout error chain-status" role="alert">
              <strong>
                ✕ Chain broken at event {v.firstBad!.seq}
                {v.firstBad!.action ? ` (${v.firstBad!.action})` : ""}
              </strong>
              <p>
                {v.firstBad!.reason}. {v.checked.toLocaleString("en")} events before it verified.
              </p>
              <p className="hint">Events from there on cannot be trusted; restore the database from a backup and compare, or export evidence bundles taken earlier.</p>
            </div>
          )
        }
      </Async>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Action</span>
          <input value={action} placeholder="e.g. approval.recorded" onChange={(e) => setQuery({ action: e.target.value, before: undefined })} />
        </label>
        <label className="field">
          <span>Actor</span>
          <input value={actor} placeholder="any" onChange={(e) => setQuery({ actor: e.target.value, before: undefined })} />
        </label>
        <label className="field grow">
          <span>Subject starts with</span>
          <input value={subject} placeholder="e.g. deployment/ or service/checkout" onChange={(e) => setQuery({ subject: e.target.value, before: undefined })} />
        </label>
      </form>
      <Async result={events} what="the audit log">
        {({ events: list }) =>
          list.length === 0 ? (
            <Empty title="No events match" />
          ) : (
            <>
              <table className="card-table audit">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Subject</th>
                    <th scope="col">Hash</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((e) => (
                    <tr key={e.seq} className={bad === e.seq ? "broken" : bad !== undefined && e.seq > bad ? "untrusted" : undefined}>
                      <td className="mono">{e.seq}</td>
                      <td>
                        <Time at={e.at} />
                      </td>
                      <td>{e.actor}</td>
                      <td className="mono">{e.action}</td>
                      <td className="mono">{subjectLink(e.subject)}</td>
                      <td className="mono muted" title={e.hash}>
                        {e.hash.slice(0, 10)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {list.length === PAGE && (
                <nav className="pager" aria-label="Pages">
                  <button type="button" className="btn small" onClick={() => setQuery({ before: String(list[list.length - 1]!.seq) })}>
                    Older events →
                  </button>
                </nav>
              )}
            </>
          )
        }
      </Async>
    </>
  );
}
