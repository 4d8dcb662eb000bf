import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { NotificationMessage } from "./message.js";

/** A plain-text email of a notification: the summary as subject, then the facts, one a line. */
export function renderEmail(m: NotificationMessage): { subject: string; text: string } {
  const lines = [m.summary, ""];
  const fact = (name: string, value: string | null | undefined) => value && lines.push(`${name}: ${value}`);
  fact("Service", m.service);
  fact("Environment", m.environment);
  if (m.deployment) {
    fact("Version", m.deployment.previousVersion ? `${m.deployment.version} (from ${m.deployment.previousVersion})` : m.deployment.version);
    fact("Strategy", m.deployment.strategy);
  }
  fact("By", m.actor);
  fact("Severity", m.incident?.severity);
  if (m.verdict?.length) lines.push("", "Verdict:", ...m.verdict.map((v) => `  ${v.check}: ${v.verdict}${v.reason ? ` (${v.reason})` : ""} ${JSON.stringify(v.numbers)}`));
  if (m.waitingFor) lines.push("", `Waiting for: ${m.waitingFor}`);
  if (m.gates?.length) lines.push("", "Gates:", ...m.gates.map((g) => `  ${g.gate}: ${g.facts}${g.remedy ? ` (${g.remedy})` : ""}`));
  if (m.deployment?.url) lines.push("", `Open the deployment: ${m.deployment.url}`);
  lines.push("", `${m.event} at ${new Date(m.at).toISOString()}`);
  return { subject: `[slipway] ${m.summary}`.slice(0, 200), text: `${lines.join("\n")}\n` };
}

/** Outcome of one SMTP send: an SMTP 5xx is permanent, anything else (4xx, network) may pass later. */
export type EmailResult = { ok: true } | { ok: false; permanent: boolean; error: string };

/**
 * Sends one email over the SMTP server `smtpUrl` names (credentials included). The Message-ID
 * is the delivery id, so a repeat after a crash is recognisable as the same message.
 */
export async function sendEmail(smtpUrl: string, mail: { from: string; to: string[]; deliveryId: string; subject: string; text: string; timeoutMs: number }): Promise<EmailResult> {
  const transport = createTransport({ url: smtpUrl, connectionTimeout: mail.timeoutMs, greetingTimeout: mail.timeoutMs, socketTimeout: mail.timeoutMs } as SMTPTransport.Options);
  try {
    await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, messageId: `<${mail.deliveryId}@slipway>` });
    return { ok: true };
  } catch (err) {
    const e = err as { responseCode?: number; code?: string; message?: string };
    const permanent = typeof e.responseCode === "number" && e.responseCode >= 500;
    return { ok: false, permanent, error: `SMTP ${e.responseCode ?? e.code ?? "error"}: ${e.message ?? String(err)}` };
  } finally {
    transport.close();
  }
}
