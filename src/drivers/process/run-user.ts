import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { badInput, failed } from "../../core/errors.js";
import type { RunUser } from "./isolation.js";

const run = promisify(execFile);

/** Linux user names are at most 32 characters. */
const MAX_USER_NAME = 32;
const PREFIX = "slipway-";

/**
 * The user a service's replicas run as when nobody names one: `slipway-<service>`, shortened
 * with a hash when the service name is too long for a user name.
 */
export function defaultUserName(service: string): string {
  const name = `${PREFIX}${service}`;
  if (name.length <= MAX_USER_NAME) return name;
  const hash = createHash("sha256").update(service).digest("hex").slice(0, 8);
  return `${PREFIX}${service.slice(0, MAX_USER_NAME - PREFIX.length - hash.length - 1)}-${hash}`;
}

/** The ids of a host user, or null when there is no such user. */
export async function lookupUser(name: string): Promise<RunUser | null> {
  try {
    const uid = Number((await run("id", ["-u", "--", name])).stdout.trim());
    const gid = Number((await run("id", ["-g", "--", name])).stdout.trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { name, uid, gid } : null;
  } catch {
    return null;
  }
}

let creating: Promise<unknown> = Promise.resolve();

/**
 * The service's own user, created on first use as a system user without a home or a login
 * shell. Creations are serialised in this process; another process creating it at the same
 * time (useradd's lock on /etc/passwd) is waited out by looking again.
 */
export async function ensureServiceUser(service: string): Promise<RunUser> {
  const name = defaultUserName(service);
  const next = creating.then(async () => {
    for (let attempt = 0; ; attempt++) {
      const found = await lookupUser(name);
      if (found) return found;
      try {
        await run("useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--user-group", "--shell", "/usr/sbin/nologin", "--comment", `slipway service ${service}`, "--", name]);
      } catch (err) {
        if (attempt >= 5) {
          throw failed(`cannot create the user ${name} for the replicas of ${service}: ${(err as Error).message.trim()}`, {
            hint: `create it yourself (useradd --system ${name}) or name an existing user the server allows (slipway server --run-user ${service}=USER)`,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  });
  creating = next.catch(() => undefined);
  return next;
}

/**
 * The user a replica of `service` runs as when the control plane is root: the one `run.user`
 * names, if the operator allowed it for this service, else the service's own user. A
 * deployer edits slipway.yaml, so `run.user` alone must not pick an arbitrary host account
 * (postgres, a person, root): the server's allow-list (`--run-user service=user`) decides.
 */
export async function replicaUser(service: string, requested: string | undefined, allowed: Readonly<Record<string, readonly string[]>>): Promise<RunUser> {
  if (requested === undefined) return ensureServiceUser(service);
  if (!(allowed[service] ?? []).includes(requested)) {
    throw failed(`run.user ${requested} is not allowed for the service ${service}`, {
      hint: `an operator allows it when starting the server: slipway server --run-user ${service}=${requested} (or SLIPWAY_RUN_USERS=${service}=${requested}); without run.user replicas run as ${defaultUserName(service)}`,
    });
  }
  const user = await lookupUser(requested);
  if (!user) throw failed(`run.user ${requested} does not exist on this host`, { hint: `create it (useradd --system ${requested}) or remove run.user` });
  if (user.uid === 0 || user.uid === process.getuid?.()) {
    throw failed(`run.user ${requested} has the control plane's privileges (uid ${user.uid})`, { hint: "name an unprivileged user" });
  }
  return user;
}

/**
 * Parses the allow-list `service=user[,service=user…]` (SLIPWAY_RUN_USERS, --run-user).
 * Bad entries are a usage error at start, not a surprise at deploy time.
 */
export function parseRunUsers(entries: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of entries.flatMap((e) => e.split(",")).map((e) => e.trim()).filter(Boolean)) {
    const match = /^([a-z][a-z0-9-]{0,62})=([a-z_][a-z0-9_-]{0,31})$/.exec(entry);
    if (!match) throw badInput(`"${entry}" is not service=user`, { hint: "e.g. --run-user checkout=www-data (SLIPWAY_RUN_USERS=checkout=www-data,billing=billing)" });
    (out[match[1]!] ??= []).push(match[2]!);
  }
  return out;
}
