import { z } from "zod";
import { parsePercent } from "../duration.js";
import { duration } from "./values.js";

/**
 * The `ssh` target: a fleet of hosts reached with the system's OpenSSH client. Each host is one
 * placement (the engine's "replica"), so `replicas` is derived from `hosts`, and the strategies
 * (rolling batches, canary, blue-green) work over hosts unchanged.
 */

const hostName = z
  .string({ error: "expected a host name or address (e.g. web-1.internal or 10.0.0.11)" })
  .regex(/^[A-Za-z0-9]([A-Za-z0-9.:-]{0,251}[A-Za-z0-9])?$/, {
    error: "expected a host name or address of letters, digits, '.', '-' and ':' (e.g. 10.0.0.11); the user goes in target.user",
  });

const absolutePath = (what: string) =>
  z.string({ error: `expected ${what}` }).startsWith("/", { error: `expected an absolute path for ${what} (e.g. /etc/slipway/...)` });

const key = z.union([
  z.literal("agent").describe("agent: use the keys of the running ssh-agent (SSH_AUTH_SOCK)"),
  z.strictObject({ file: absolutePath("the private key file").describe("the private key file (e.g. /etc/slipway/deploy_ed25519)") }),
]);

const balancerUrl = z
  .url({ error: "expected the URL clients reach the service at through the balancer (e.g. http://lb.internal:80)" })
  .optional()
  .describe("where clients reach the service through the balancer (e.g. http://lb.internal:80): verification after the switch goes there");

const balancer = z.union([
  z.strictObject({
    url: balancerUrl,
    haproxy: z.strictObject({
      socket: absolutePath("HAProxy's admin socket").describe("HAProxy's Runtime API socket (stats socket ... level admin, e.g. /run/haproxy/admin.sock)"),
      backend: z.string().regex(/^[A-Za-z0-9_.:-]+$/, { error: "expected an HAProxy backend name (e.g. checkout)" }).describe("the HAProxy backend whose servers Slipway manages"),
    }),
  }),
  z.strictObject({
    url: balancerUrl,
    script: z.string().min(1).describe("a command that applies the weights it gets in SLIPWAY_WEIGHTS_JSON (e.g. ./lb/apply.sh)"),
  }),
]);

const share = z
  .string({ error: "expected a percentage such as 10%" })
  .regex(/^\d+(\.\d+)?%$/, { error: "expected a percentage: a number followed by % (e.g. 10%)" })
  .transform((v) => parsePercent(v));

const onHostFailure = z.union([
  z.literal("rollback").describe("rollback: any failed host rolls the whole deployment back"),
  z.strictObject({
    continue_below: share.describe("go on without failed hosts while they are at most this share of the fleet (e.g. 10%)"),
  }),
]);

export const sshTargetSchema = z
  .strictObject({
    driver: z.literal("ssh").describe("the driver that runs replicas"),
    hosts: z
      .array(hostName)
      .min(1, { error: "list at least one host (e.g. hosts: [10.0.0.11, 10.0.0.12])" })
      .max(64)
      .refine((hosts) => new Set(hosts).size === hosts.length, { error: "each host may appear once in target.hosts" })
      .describe("the hosts the service runs on, one replica each (e.g. [10.0.0.11, 10.0.0.12])"),
    user: z.string().regex(/^[a-z_][a-z0-9_.-]*$/i, { error: "expected a user name (e.g. deploy)" }).describe("the user Slipway logs in as (e.g. deploy)"),
    port: z.number().int().min(1).max(65535).default(22).describe("the SSH port of every host"),
    key: key.describe("the key Slipway logs in with: { file: /path } or agent"),
    known_hosts: absolutePath("the known_hosts file").describe("the known_hosts file the host keys are checked against (e.g. /etc/slipway/known_hosts)"),
    accept_new_host_keys: z
      .boolean()
      .default(false)
      .describe("true: a host not yet in known_hosts is trusted on first use and recorded there (a changed key is still refused)"),
    max_parallel: z.number().int().min(1).max(64).default(8).describe("how many hosts Slipway works on at once"),
    connect_timeout: duration.default(10_000).describe("how long connecting to a host may take (e.g. 10s)"),
    root: absolutePath("the directory Slipway owns on each host").default("/opt/slipway").describe("the directory Slipway owns on each host (releases, state, logs)"),
    app_port: z.number().int().min(1).max(65534).default(3000).describe("the first port the service listens on; a second version runs beside it on the next free one"),
    balancer: balancer.optional().describe("the load balancer in front of the hosts: { haproxy: { socket, backend } } or { script: cmd }"),
    on_host_failure: onHostFailure
      .default("rollback")
      .describe("what a host that fails mid-deployment leads to: rollback, or { continue_below: 10% }"),
  })
  .transform((t) => ({ ...t, replicas: t.hosts.length }));

export type SshTargetConfig = z.output<typeof sshTargetSchema>;
