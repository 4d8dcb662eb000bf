import { ROLE_NAMES } from "../core/config/index.js";
import { formatInstant, formatSpan, shortDigest } from "./format.js";
import type { ApprovalsConfig, Role } from "../core/config/index.js";
import type { ApprovalFact, DeploymentFacts, GateResult } from "./types.js";

/**
 * The approvals gate and separation of duties. Rules, in the order they apply:
 * 1. only decisions on this deployment's digest count (a new artifact voids old approvals);
 * 2. each person counts once: their latest decision on the digest is their decision;
 * 3. people `not_by` names (the deployer, the commit author) and people whose role is below
 *    `from` are not eligible: their approvals do not count and their rejections do not block;
 * 4. an approval older than `expires` does not count (a rejection does not expire);
 * 5. a rejection by an eligible person refuses the deployment.
 */

/** True if `role` is at least `min` in viewer < deployer < approver < admin. */
export function roleAtLeast(role: Role | undefined, min: Role): boolean {
  return role !== undefined && ROLE_NAMES.indexOf(role) >= ROLE_NAMES.indexOf(min);
}

/** The least role that may approve: the lowest of `from`. */
export function minimumRole(from: readonly Role[]): Role {
  return ROLE_NAMES.find((r) => from.includes(r)) ?? "approver";
}

/** How the approvals of a deployment add up. */
export interface ApprovalTally {
  /** People whose approval counts, in the order they approved. */
  counted: string[];
  /** Eligible people whose latest decision is a rejection. */
  rejections: ApprovalFact[];
  /** Decisions that do not count, each with a sentence saying why. */
  ignored: { by: string; why: string }[];
  /** The deployer and/or author, as `not_by` excludes them: `the deployer alice`. */
  excluded: { who: string; label: string }[];
}

const utc = (ms: number) => formatInstant(ms, "UTC");

function excludedParties(config: ApprovalsConfig, d: DeploymentFacts): { who: string; label: string }[] {
  const deployer = config.not_by.includes("deployer");
  const author = config.not_by.includes("author") && d.author !== null;
  if (deployer && author && d.author === d.actor) return [{ who: d.actor, label: `${d.actor}, the deployer and author,` }];
  return [
    ...(deployer ? [{ who: d.actor, label: `the deployer ${d.actor}` }] : []),
    ...(author ? [{ who: d.author!, label: `the author ${d.author}` }] : []),
  ];
}

/** Each person's latest decision on the digest, plus notes for decisions only on other digests. */
function latestDecisions(approvals: readonly ApprovalFact[], digest: string) {
  const latest = new Map<string, ApprovalFact>();
  const elsewhere = new Map<string, ApprovalFact>();
  for (const a of [...approvals].sort((x, y) => x.at - y.at)) (a.digest === digest ? latest : elsewhere).set(a.by, a);
  const voided = [...elsewhere.values()].filter((a) => !latest.has(a.by));
  return { latest: [...latest.values()], voided };
}

/** Applies the approval rules to a deployment's decisions at `now`. */
export function tallyApprovals(
  config: ApprovalsConfig,
  d: DeploymentFacts,
  approvals: readonly ApprovalFact[],
  roles: Readonly<Record<string, Role>>,
  now: number,
): ApprovalTally {
  const min = minimumRole(config.from);
  const excluded = excludedParties(config, d);
  const { latest, voided } = latestDecisions(approvals, d.digest);
  const tally: ApprovalTally = { counted: [], rejections: [], ignored: [], excluded };
  for (const a of voided) {
    tally.ignored.push({ by: a.by, why: `${a.by}'s decision was on another artifact (${shortDigest(a.digest)}); a new artifact voids it` });
  }
  for (const a of latest) {
    const role = Object.hasOwn(roles, a.by) ? roles[a.by] : undefined;
    if (excluded.some((e) => e.who === a.by)) continue; // named once, in the exclusion notes
    if (!roleAtLeast(role, min)) {
      const has = role ? `has role ${role}` : "has no role here";
      tally.ignored.push({ by: a.by, why: `${a.by} ${has}, below ${min}` });
    } else if (a.decision === "reject") {
      tally.rejections.push(a);
    } else if (now >= a.at + config.expires) {
      tally.ignored.push({ by: a.by, why: `${a.by}'s approval expired at ${utc(a.at + config.expires)} (approvals last ${formatSpan(config.expires, "down")})` });
    } else {
      tally.counted.push(a.by);
    }
  }
  return tally;
}

function needs(count: number, have: number, min: Role): string {
  const left = count - have;
  const who = have === 0 ? (left === 1 ? "a user" : `${left} users`) : `${left} more user${left === 1 ? "" : "s"}`;
  return `needs ${who} with role ${min}`;
}

/** The `approvals` gate. */
export function approvalsGate(
  config: ApprovalsConfig,
  d: DeploymentFacts,
  approvals: readonly ApprovalFact[],
  roles: Readonly<Record<string, Role>>,
  now: number,
): GateResult {
  const t = tallyApprovals(config, d, approvals, roles, now);
  const min = minimumRole(config.from);
  const have = Math.min(t.counted.length, config.count);
  const passed = t.counted.length >= config.count && t.rejections.length === 0;
  const parts = [
    ...(t.counted.length > 0 ? [`approved by ${t.counted.join(", ")}`] : []),
    ...(t.counted.length < config.count ? [needs(config.count, t.counted.length, min)] : []),
    ...(t.counted.length < config.count ? t.excluded.map((e) => `${e.label} cannot approve`) : []),
    ...t.ignored.map((i) => i.why),
  ];
  const facts = `${have} of ${config.count}${parts.length > 0 ? ` (${parts.join("; ")})` : ""}`;
  if (t.rejections.length > 0) {
    const said = t.rejections.map((r) => `${r.by} at ${utc(r.at)}${r.comment ? `: "${r.comment}"` : ""}`).join("; ");
    return {
      gate: "approvals",
      passed: false,
      outcome: "refuse",
      facts: `rejected by ${said}; ${facts}`,
      remedy: "a rejection stands for this deployment: address the concern, then deploy again to ask for approval afresh",
    };
  }
  if (passed) return { gate: "approvals", passed: true, outcome: "pass", facts };
  const not = t.excluded.length > 0 ? ` other than ${t.excluded.map((e) => e.who).join(" and ")}` : "";
  return {
    gate: "approvals",
    passed: false,
    outcome: "wait",
    facts,
    remedy: `ask a user with role ${min}${not} to run slipway approve ${d.id ?? "<deployment id>"}`,
  };
}
