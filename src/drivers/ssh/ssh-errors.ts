import { failed, unavailable, type SlipwayError } from "../../core/errors.js";
import type { SshEndpoint } from "./ssh-client.js";
import { offeredFingerprints } from "./host-keys.js";

/** ssh's words for a host key it refused (unknown host under strict checking, or a changed key). */
export function isHostKeyFailure(stderr: string): boolean {
  return /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known for/.test(stderr);
}

/**
 * A refused host key, naming the host and the fingerprint it offered (read with ssh-keyscan),
 * so a person can compare it with the one the host's owner publishes before trusting it.
 */
export async function hostKeyError(ep: SshEndpoint, stderr: string): Promise<SlipwayError> {
  const changed = /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr);
  const offered = await offeredFingerprints(ep.host, ep.port, ep.connectTimeoutMs);
  const named = offered.length > 0 ? offered.join(", ") : "none could be read (ssh-keyscan got no key)";
  const what = changed ? `does not match the key recorded in ${ep.knownHosts}` : `is not in ${ep.knownHosts}`;
  return failed(`host key of ${ep.host}:${ep.port} ${what}; the host offered ${named}`, {
    hint: changed
      ? `if the host was legitimately re-keyed, check the fingerprint with its owner, then: ssh-keygen -R ${knownHostsName(ep)} -f ${ep.knownHosts} && ssh-keyscan -p ${ep.port} ${ep.host} >> ${ep.knownHosts}`
      : `check the fingerprint with the host's owner, then add it: ssh-keyscan -p ${ep.port} ${ep.host} >> ${ep.knownHosts} (or set target.accept_new_host_keys: true to trust new hosts on first use)`,
    details: { host: ep.host, port: ep.port, offered, knownHosts: ep.knownHosts, reason: changed ? "changed" : "unknown" },
  });
}

/** A host that could not be reached or logged into. */
export function unreachableError(ep: SshEndpoint, detail: string): SlipwayError {
  return unavailable(`cannot reach ${ep.user}@${ep.host}:${ep.port} over ssh: ${detail}`, {
    hint: "check that the host is up and its sshd listens on target.port, that the network lets Slipway reach it, and that target.key is in the user's authorized_keys",
    details: { host: ep.host, port: ep.port, detail },
  });
}

const knownHostsName = (ep: SshEndpoint) => (ep.port === 22 ? ep.host : `[${ep.host}]:${ep.port}`);
