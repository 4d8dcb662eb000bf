/** Pipeline failures grouped by cluster, with the evidence lines of the latest occurrence. */
import { useState } from "react";
import { useMe } from "../app";
import type { ApiError } from "../api";
import { api } from "../api";
import { atLeast } from "../session";
import { Async, Badge, Empty, ErrorBox, PageHeader, Time, toApiError, useApi } from "../ui";

interface Evidence {
  line: number;
  text: string;
}
interface Cluster {
  id: string;
  category: string;
  template: string;
  occurrences: number;
  flakyMarked: number;
  firstSeenAt: number;
  lastSeenAt: number;
  latest: { pipeline: string | null; run: string | null; at: number; flakyProbability: number; evidence: Evidence[] } | null;
}

export function TriagePage() {
  const result = useApi(() => api<{ clusters: Cluster[] }>("GET", "/triage/clusters?limit=50"), "clusters");
  return (
    <>
      <PageHeader title="Pipeline failures" sub="Failed runs grouped by the failure that explains them: the same cause in many runs is one cluster." />
      <Async result={result} what="the failure clusters">
        {({ clusters }) =>
          clusters.length === 0 ? (
            <Empty title="No failed pipeline runs triaged yet">Report runs with <code>slipway pipeline report</code> or the CI webhooks; failed runs with a log are triaged.</Empty>
          ) : (
            <ul className="clusters">
              {clusters.map((c) => (
                <ClusterCard key={c.id} c={c} />
              ))}
            </ul>
          )
        }
      </Async>
    </>
  );
}

function ClusterCard({ c }: { c: Cluster }) {
  const me = useMe();
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const latest = c.latest;
  const confirm = async (flaky: boolean) => {
    if (!latest?.pipeline || !latest.run) return;
    setError(null);
    try {
      const lines = latest.evidence.map((e) => e.line);
      const ranges = lines.length ? `${Math.min(...lines)}-${Math.max(...lines)}` : "";
      await api("POST", "/triage/confirm", { pipeline: latest.pipeline, run: latest.run, lines: ranges, flaky });
      setDone(flaky ? "Marked intermittent: the flaky estimate of this cluster learns from it." : "Confirmed: these lines explain the failure; later runs of this pipeline use them as an example.");
    } catch (e) {
      setError(toApiError(e));
    }
  };
  return (
    <li className="card">
      <div className="card-head">
        <h2>
          <Badge value="failed" label={c.category} /> {c.template.split("\n")[0]}
        </h2>
        <span className="sub">
          {c.occurrences} run{c.occurrences === 1 ? "" : "s"} · last <Time at={c.lastSeenAt} /> · first <Time at={c.firstSeenAt} />
        </span>
      </div>
      {latest && (
        <>
          <p className="sub">
            Latest: {latest.pipeline ?? "unknown pipeline"} run {latest.run ?? "?"} · flaky estimate {Math.round(latest.flakyProbability * 100)} %{c.flakyMarked ? ` · marked flaky ${c.flakyMarked}×` : ""}
          </p>
          <pre className="log evidence" tabIndex={0} aria-label="evidence lines">
            {latest.evidence.map((e) => (
              <div key={e.line} className="ev-line">
                <span className="ln">{e.line}</span>
                <mark>{e.text}</mark>
              </div>
            ))}
          </pre>
        </>
      )}
      {atLeast(me, "deployer") && latest?.pipeline && latest.run && !done && (
        <div className="row">
          <button type="button" className="btn small" onClick={() => confirm(false)}>
            Confirm these lines
          </button>
          <button type="button" className="btn small" onClick={() => confirm(true)}>
            Mark as flaky
          </button>
        </div>
      )}
      {done && <p className="callout ok">{done}</p>}
      {error && <ErrorBox error={error} />}
    </li>
  );
}
