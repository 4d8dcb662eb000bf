/** What waits for a person's approval, with what the gates saw and whether I may approve it (separation of duties). */
import { useMe } from "../app";
import { api, qs } from "../api";
import { GateList, type GateReport } from "../gates";
import { Link } from "../router";
import { may, type Me } from "../session";
import type { Artifact, Deployment, DeploymentDetail, ServiceConfig } from "../types";
import { Async, Empty, PageHeader, Time, useApi } from "../ui";

interface Waiting {
  deployment: Deployment;
  gates: GateReport | null;
  rule: { count: number; from?: string[]; not_by?: string[] } | undefined;
  author: string | null;
}

async function loadInbox(): Promise<Waiting[]> {
  const { deployments } = await api<{ deployments: Deployment[] }>("GET", `/deployments${qs({ state: "awaiting_approval", limit: 100 })}`);
  return Promise.all(
    deployments.map(async (d) => {
      const [detail, svc, artifacts] = await Promise.all([
        api<DeploymentDetail>("GET", `/deployments/${encodeURIComponent(d.id)}`).catch(() => null),
        api<{ config: ServiceConfig }>("GET", `/services/${encodeURIComponent(d.service)}`).catch(() => null),
        api<{ artifacts: Artifact[] }>("GET", `/artifacts/${encodeURIComponent(d.service)}`).catch(() => null),
      ]);
      return { deployment: d, gates: gatesSeen(detail), rule: svc?.config.environments[d.environment]?.requires?.approvals, author: artifacts?.artifacts.find((a) => a.digest === d.digest)?.author ?? null };
    }),
  );
}

/** The gates as the engine last evaluated them for this deployment (its own facts, not a dry run as me). */
function gatesSeen(detail: DeploymentDetail | null): GateReport | null {
  const last = detail?.timeline.filter((e) => e.action === "gate.evaluated").pop();
  if (!detail || !last) return null;
  const p = last.payload as { verdict: GateReport["verdict"]; gates: GateReport["gates"]; waitingFor?: string | null };
  const d = detail.deployment;
  return { passed: p.verdict === "pass", verdict: p.verdict, gates: p.gates, waitingFor: p.waitingFor ?? null, recheckAt: null, service: d.service, environment: d.environment, version: d.version, digest: d.digest };
}

/** Why this person may not approve, in a sentence, or null if they may. */
export function whyNot(me: Me | null, w: Waiting): string | null {
  const d = w.deployment;
  if (!me) return "you are not signed in";
  const notBy = w.rule?.not_by ?? [];
  if (!may(me, "approver", d.service, d.environment)) return `your token's role is ${me.role}${me.scope.service || me.scope.environment ? ` (limited to ${[me.scope.service, me.scope.environment].filter(Boolean).join("/")})` : ""}; approving needs the approver role on ${d.service}/${d.environment}`;
  if (w.rule?.from && !w.rule.from.includes(me.role)) return `approvals here count only from ${w.rule.from.join(" or ")}; you are ${me.role}`;
  if (notBy.includes("deployer") && d.actor === me.name) return "separation of duties: you started this deployment, and this environment's policy (not_by: deployer) needs someone else to approve it";
  if (notBy.includes("author") && w.author === me.name) return "separation of duties: you authored this artifact, and this environment's policy (not_by: author) needs someone else to approve it";
  return null;
}

export function ApprovalsPage() {
  const me = useMe();
  const result = useApi(loadInbox, "inbox");
  return (
    <>
      <PageHeader title="Approvals" sub="Deployments waiting for a person, with the gates as the engine evaluated them and the facts they saw." />
      <Async result={result} what="the approvals inbox">
        {(items) =>
          items.length === 0 ? (
            <Empty title="Nothing waits for approval">Deployments to environments whose policy asks for approvals appear here.</Empty>
          ) : (
            <ul className="inbox">
              {items.map((w) => {
                const d = w.deployment;
                const reason = whyNot(me, w);
                return (
                  <li key={d.id} className="card">
                    <div className="card-head">
                      <h2>
                        <Link to={`/deployments/${d.id}`}>
                          {d.service} {d.version} → {d.environment}
                        </Link>
                      </h2>
                      <span className="sub">
                        started by {d.actor} <Time at={d.createdAt} />
                      </span>
                    </div>
                    {w.rule && (
                      <p className="rule">
                        Policy: {w.rule.count} approval{w.rule.count === 1 ? "" : "s"}
                        {w.rule.from ? ` from ${w.rule.from.join(" or ")}` : ""}
                        {w.rule.not_by?.length ? `, not by the ${w.rule.not_by.join(" or the ")}` : ""}.
                        {w.author ? ` Artifact author: ${w.author}.` : ""}
                      </p>
                    )}
                    {w.gates && <GateList report={w.gates} />}
                    {reason ? (
                      <p className="callout info">You may not approve this: {reason}.</p>
                    ) : (
                      <Link to={`/deployments/${d.id}`} className="btn primary">
                        Review and approve
                      </Link>
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Async>
    </>
  );
}
