/** Gate reports (the dry-run API) and the confirm dialog that shows them before a deploy or promotion. */
import { useEffect, useRef, useState } from "react";
import type { ApiError} from "./api";
import { api, qs } from "./api";
import { navigate } from "./router";
import { Badge, ErrorBox, Loading, shortDigest, toApiError } from "./ui";

export interface GateResult {
  gate: string;
  passed: boolean;
  outcome: string;
  facts: string;
  remedy?: string;
  overridden?: boolean;
}
export interface GateReport {
  passed: boolean;
  verdict: "pass" | "wait" | "refuse";
  gates: GateResult[];
  waitingFor: string | null;
  recheckAt: number | null;
  service: string;
  environment: string;
  version: string;
  digest: string;
}

export const dryRun = (service: string, environment: string, version: string) => api<GateReport>("GET", `/gates${qs({ service, environment, version })}`);

const VERDICT_TEXT = {
  pass: "Every gate passes: it would start at once.",
  wait: "It would wait",
  refuse: "It would be refused",
} as const;

export function GateList({ report }: { report: GateReport }) {
  return (
    <div className="gates">
      <p className={`verdict ${report.verdict}`}>
        <Badge value={report.verdict} /> {VERDICT_TEXT[report.verdict]}
        {report.verdict === "wait" && report.waitingFor ? ` for ${report.waitingFor}.` : report.verdict !== "pass" ? "." : ""}
      </p>
      {report.gates.length === 0 ? (
        <p className="hint">This environment configures no gates.</p>
      ) : (
        <ul className="gate-list">
          {report.gates.map((g) => (
            <li key={g.gate} className={g.passed ? "passed" : "blocked"}>
              <span className="gate-mark" aria-hidden="true">{g.passed ? "✓" : "✕"}</span>
              <div>
                <strong>{g.gate.replace(/_/g, " ")}</strong> <Badge value={g.passed ? "pass" : g.outcome} label={g.overridden ? "overridden" : g.passed ? "passes" : g.outcome} />
                <div className="facts">{g.facts}</div>
                {g.remedy && !g.passed && <div className="remedy">Remedy: {g.remedy}</div>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export type Intent = { kind: "deploy"; service: string; environment: string; version: string } | { kind: "promote"; service: string; from: string; environment: string; version: string };

/** A modal: the gate dry-run for the intent, then Confirm (which starts it and opens the deployment). */
export function ConfirmDialog({ intent, onClose }: { intent: Intent; onClose: () => void }) {
  const [report, setReport] = useState<GateReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
    dryRun(intent.service, intent.environment, intent.version).then(setReport, (e: unknown) => setError(toApiError(e)));
  }, [intent]);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = intent.kind === "deploy" ? { service: intent.service, environment: intent.environment, version: intent.version } : { service: intent.service, from: intent.from, to: intent.environment };
      const { deployment } = await api<{ deployment: { id: string } }>("POST", intent.kind === "deploy" ? "/deployments" : "/promotions", body);
      navigate(`/deployments/${deployment.id}`);
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  };
  const title = intent.kind === "deploy" ? `Deploy ${intent.version} to ${intent.environment}` : `Promote ${intent.version} from ${intent.from} to ${intent.environment}`;
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="confirm-title" onClose={onClose}>
      <h2 id="confirm-title">{title}</h2>
      <p className="sub">
        {intent.service} · {report ? `digest ${shortDigest(report.digest)}` : "checking the gates…"}
      </p>
      {!report && !error && <Loading what="the gate dry-run" />}
      {report && <GateList report={report} />}
      {error && <ErrorBox error={error} />}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="btn primary" disabled={!report || busy || report.verdict === "refuse"} onClick={confirm}>
          {busy ? "Starting…" : report?.verdict === "wait" ? "Start (it will wait)" : "Confirm"}
        </button>
      </div>
    </dialog>
  );
}
