import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { schemaProblems } from "./issues.js";
import { createLocator } from "./locate.js";
import { yamlProblem, type ConfigProblem } from "./problem.js";

/**
 * `notifications:` in slipway.yaml: named destinations (Slack incoming webhooks, signed generic
 * webhooks) and routes that send chosen events, for chosen environments, to them. Webhook URLs
 * and signing keys are secret references, resolved only when a message is sent.
 */

/** The events a route may name; docs/notifications.md says which audit events produce each. */
export const NOTIFY_EVENTS = [
  "deployment.started",
  "deployment.succeeded",
  "deployment.failed",
  "deployment.rolled_back",
  "approval.needed",
  "gate.refused",
  "incident.opened",
  "incident.resolved",
] as const;
export type NotifyEventName = (typeof NOTIFY_EVENTS)[number];

/**
 * A URL or key written out in slipway.yaml would be a secret in the repository: such a string
 * is refused with a message that does not repeat it (error output ends up in CI logs).
 */
const WRITTEN_OUT = "a secret reference is needed here, { secret: env:NAME } or { secret: file:/path }: a webhook URL or key written in slipway.yaml is a secret in the repository";

const secretReference = z
  .strictObject({
    secret: z
      .string()
      .regex(/^(env|file):.+$/, { error: "expected a secret reference env:NAME or file:/path" })
      .describe("a secret reference: env:NAME or file:/path"),
  }, { error: (issue) => (typeof issue.input === "string" ? WRITTEN_OUT : undefined) })
  .describe("a secret reference (e.g. { secret: env:SLACK_WEBHOOK_URL }); the value itself never goes in slipway.yaml");

/** Deliberately loose: the SMTP server is the judge of an address; this catches slips like a missing @. */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

const destinationName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, {
  error: "expected a lower-case destination name of letters, digits and '-' (e.g. team-slack)",
});

const destination = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("slack").describe("the destination's kind: slack, webhook or email"),
    url: secretReference.describe("the Slack incoming-webhook URL, as a secret reference (e.g. { secret: env:SLACK_WEBHOOK_URL })"),
  }),
  z.strictObject({
    type: z.literal("webhook").describe("the destination's kind: slack, webhook or email"),
    url: secretReference.describe("the receiver's URL, as a secret reference (e.g. { secret: env:DEPLOY_HOOK_URL })"),
    key: secretReference.describe("the HMAC-SHA256 signing key, as a secret reference (e.g. { secret: file:/etc/slipway/hook.key })"),
  }),
  z.strictObject({
    type: z.literal("email").describe("the destination's kind: slack, webhook or email"),
    smtp: secretReference.describe("the SMTP server as a URL with its credentials (e.g. smtps://user:pass@mail.example.com:465), as a secret reference"),
    from: z.string().regex(EMAIL, { error: "expected an email address (e.g. slipway@example.com)" }).describe("the sender address (e.g. slipway@example.com)"),
    to: z.array(z.string().regex(EMAIL, { error: "expected an email address (e.g. oncall@example.com)" })).min(1).describe("the recipients (e.g. [oncall@example.com])"),
  }),
]);

const route = z.strictObject({
  events: z.array(z.enum(NOTIFY_EVENTS)).min(1).describe(`the events this route sends (${NOTIFY_EVENTS.join(", ")})`),
  services: z.array(z.string().min(1)).optional().describe("only events of these services (default: any)"),
  environments: z.array(z.string().min(1)).optional().describe("only events in these environments (default: any)"),
  to: z.array(destinationName).min(1).describe("the destinations (names under notifications.destinations) that get the events"),
});

export const notificationsSchema = z
  .strictObject({
    destinations: z.record(destinationName, destination).default({}).describe("named places messages go to (e.g. { team-slack: { type: slack, url: { secret: env:SLACK_URL } } })"),
    routes: z.array(route).default([]).describe("which events go to which destinations (e.g. [{ events: [deployment.failed], environments: [prod], to: [team-slack] }])"),
  })
  .superRefine((n, ctx) => {
    n.routes.forEach((r, i) =>
      r.to.forEach((name, j) => {
        if (n.destinations[name]) return;
        const declared = Object.keys(n.destinations);
        ctx.addIssue({
          code: "custom",
          path: ["routes", i, "to", j],
          message: `no destination named ${name}; ${declared.length ? `declared: ${declared.join(", ")}` : "declare it under notifications.destinations"}`,
        });
      }),
    );
  });

export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type NotifyDestination = NotificationsConfig["destinations"][string];
export type NotifyRoute = NotificationsConfig["routes"][number];
export type SecretReference = z.output<typeof secretReference>;

/**
 * Parses a server-wide notifications file (`slipway server --notifications FILE`): the same
 * `destinations` and `routes` as slipway.yaml's `notifications:`, at the top level. Every
 * problem comes back located (file:line:column).
 */
export function parseNotificationsFile(text: string, file: string): { config: NotificationsConfig | undefined; errors: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) return { config: undefined, errors: doc.errors.map((e) => yamlProblem(e, file, lineCounter)) };
  const { output, problems } = schemaProblems(notificationsSchema, doc.toJS() ?? {}, file, createLocator(doc, lineCounter));
  return output && problems.length === 0 ? { config: output, errors: [] } : { config: undefined, errors: problems };
}
