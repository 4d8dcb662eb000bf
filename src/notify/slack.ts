import type { NotificationMessage, VerdictCheck } from "./message.js";

/** Slack incoming-webhook body: Block Kit blocks, and `text` as the fallback notifications show. */
export interface SlackBody {
  text: string;
  blocks: unknown[];
}

const ICONS: Record<NotificationMessage["event"], string> = {
  "deployment.started": ":rocket:",
  "deployment.succeeded": ":white_check_mark:",
  "deployment.failed": ":x:",
  "deployment.rolled_back": ":rewind:",
  "approval.needed": ":raised_hand:",
  "gate.refused": ":no_entry:",
  "incident.opened": ":rotating_light:",
  "incident.resolved": ":large_green_circle:",
};

/** Slack mrkdwn treats &, < and > as markup. */
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function renderSlack(m: NotificationMessage): SlackBody {
  const headline = `${ICONS[m.event]} ${m.summary}`;
  const blocks: unknown[] = [{ type: "section", text: { type: "mrkdwn", text: `*${escape(headline)}*` } }];
  const fields: string[] = [];
  if (m.service) fields.push(`*Service*\n${escape(m.service)}`);
  if (m.environment) fields.push(`*Environment*\n${escape(m.environment)}`);
  if (m.deployment) {
    const from = m.deployment.previousVersion ? ` (from ${m.deployment.previousVersion})` : "";
    fields.push(`*Version*\n${escape(m.deployment.version + from)}`);
    fields.push(`*Strategy*\n${escape(m.deployment.strategy)}${m.deployment.kind === "rollback" ? " (rollback)" : ""}`);
  }
  fields.push(`*By*\n${escape(m.actor)}`);
  if (m.incident?.severity) fields.push(`*Severity*\n${escape(m.incident.severity)}`);
  blocks.push({ type: "section", fields: fields.slice(0, 10).map((text) => ({ type: "mrkdwn", text })) });
  if (m.verdict?.length) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Verdict*\n${m.verdict.map(verdictLine).join("\n")}` } });
  if (m.waitingFor) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Waiting for*\n${escape(m.waitingFor)}` } });
  if (m.gates?.length) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Gates*\n${m.gates.map((g) => `• ${escape(`${g.gate}: ${g.facts}${g.remedy ? ` (${g.remedy})` : ""}`)}`).join("\n")}` } });
  if (m.deployment?.url) {
    blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open deployment" }, url: m.deployment.url }] });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `${m.event} · ${new Date(m.at).toISOString()}${m.deployment ? ` · ${m.deployment.id}` : ""}` }] });
  return { text: headline, blocks };
}

/** `• error-rate: fail (0.31 > 0.05 over 412 requests)`, with the check's numbers as given. */
function verdictLine(v: VerdictCheck): string {
  const numbers = v.numbers && typeof v.numbers === "object" ? Object.entries(v.numbers as Record<string, unknown>).filter(([, x]) => typeof x === "number" || typeof x === "string") : [];
  const shown = numbers.map(([k, x]) => `${k}=${typeof x === "number" ? +x.toPrecision(4) : x}`).join(", ");
  return `• ${escape(`${v.check}: ${v.verdict}${shown ? ` (${shown})` : ""}${v.reason ? ` — ${v.reason}` : ""}`)}`;
}
