import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { badInput, failed } from "../../core/errors.js";
import type { SshTargetConfig, TargetConfig } from "../../core/index.js";
import type { Driver, Placement, PlacementRequest, ReplicaHandle, ReplicaSpec, ReplicaStatus } from "../types.js";
import {
  installReleaseScript,
  logTailScript,
  partialArtifactFile,
  probeReleaseScript,
  releaseDir,
  remoteLog,
  startScript,
  statusScript,
  stopScript,
  type HostPaths,
} from "./remote.js";
import { endpointOf, SshClient, type SshEndpoint } from "./ssh-client.js";

/** Time a quick command on a host (status, probing a release) may take. */
const COMMAND_TIMEOUT_MS = 30_000;
/** Time copying an artifact to a host may take. */
const COPY_TIMEOUT_MS = 10 * 60_000;
/** Lines of a replica's remote log fetched next to the control plane when it stops running. */
const LOG_TAIL_LINES = 50;

export interface SshDriverOptions {
  /** Slipway's data directory: keeps this control plane's ssh control sockets apart from others'. */
  dataDir: string;
}

/**
 * Runs replicas on a fleet of hosts over the system's OpenSSH client: one replica per host and
 * version, the artifact copied to each host once (checked by sha256 there), unpacked into a
 * versioned release directory, run under the supervisor Slipway ships. Two versions on one host
 * run side by side on different ports (blue-green by release directory and port).
 */
export class SshDriver implements Driver {
  readonly name = "ssh";
  readonly scope = "cluster";
  private readonly client: SshClient;
  /** Releases being installed, by host and digest, so concurrent starts on one host copy once. */
  private readonly installing = new Map<string, Promise<void>>();

  constructor(options: SshDriverOptions) {
    this.client = new SshClient(options.dataDir);
  }

  /**
   * The first host (in target order) without a replica of this version, the lowest app port free
   * there. A host whose replica of the version is only being stopped (e.g. left "stopping" while
   * its host was unreachable) comes last: it may take the version again.
   */
  async place(request: PlacementRequest): Promise<Placement> {
    const target = sshTargetOf(request.target);
    const sameVersion = request.occupied.filter((o) => o.version === request.version);
    const taken = new Set(sameVersion.filter((o) => o.state !== "stopping").map((o) => o.host));
    const stopping = new Set(sameVersion.filter((o) => o.state === "stopping").map((o) => o.host));
    const host = target.hosts.find((h) => !taken.has(h) && !stopping.has(h)) ?? target.hosts.find((h) => !taken.has(h));
    if (host === undefined) {
      throw failed(`every host of ${request.service}/${request.environment} already runs ${request.version} (${target.hosts.length} host(s))`, {
        hint: "an ssh target runs one replica per host: add hosts to target.hosts",
      });
    }
    const used = new Set(request.occupied.filter((o) => o.host === host).map((o) => o.port));
    let port = target.app_port;
    while (used.has(port)) port++;
    return { host, port };
  }

  async start(spec: ReplicaSpec): Promise<ReplicaHandle> {
    const target = sshTargetOf(spec.target);
    const ep = endpointOf(target, spec.host);
    const paths: HostPaths = { root: target.root, service: spec.service, version: spec.version, digest: spec.artifact.digest };
    await this.ensureRelease(target, ep, paths, spec.artifact.path);
    const env = { ...spec.env, ...spec.secrets, [spec.portEnv]: String(spec.port) };
    const result = await this.client.run(
      target,
      ep,
      startScript({
        root: target.root,
        id: spec.id,
        release: releaseDir(paths),
        log: remoteLog(target.root, spec.id),
        command: spec.command,
        env,
        secretNames: Object.keys(spec.secrets),
        signal: spec.shutdown.signal.replace(/^SIG/, ""),
        graceMs: spec.shutdown.graceMs,
      }),
      COMMAND_TIMEOUT_MS,
    );
    const pid = Number(/^pid=(\d+)$/m.exec(result.stdout)?.[1] ?? NaN);
    if (result.code !== 0 || !Number.isInteger(pid)) {
      throw failed(`starting ${spec.service} ${spec.version} on ${spec.host} failed: ${result.stderr.trim() || `exit code ${result.code}`}`, {
        hint: `check the host's ${target.root} (writable by ${target.user}) and its sh, awk and setsid`,
      });
    }
    return { id: spec.id, pid, host: spec.host, port: spec.port, logPath: spec.logPath, target: spec.target };
  }

  async status(handle: ReplicaHandle): Promise<ReplicaStatus> {
    const target = sshTargetOf(handle.target);
    const ep = endpointOf(target, handle.host);
    const result = await this.client.run(target, ep, statusScript(target.root, handle.id), COMMAND_TIMEOUT_MS);
    const field = (name: string) => new RegExp(`^${name}=(.*)$`, "m").exec(result.stdout)?.[1]?.trim() ?? "";
    const state = field("state");
    const [code, at] = field("last_exit").split(" ");
    const status: ReplicaStatus = {
      state: state === "running" ? "running" : state === "restarting" || state === "starting" ? "restarting" : "exited",
      restarts: Number(field("restarts")) || 0,
      lastExit: code ? { code: Number(code) > 128 ? null : Number(code), signal: Number(code) > 128 ? `signal ${Number(code) - 128}` : null, at: Number(at) * 1000 } : null,
    };
    if (status.state !== "running") await this.fetchLogTail(target, ep, handle);
    return status;
  }

  async stop(handle: ReplicaHandle, shutdown: { signal: NodeJS.Signals; graceMs: number }): Promise<void> {
    const target = sshTargetOf(handle.target);
    const ep = endpointOf(target, handle.host);
    const result = await this.client.run(target, ep, stopScript(target.root, handle.id, shutdown.graceMs), shutdown.graceMs + COMMAND_TIMEOUT_MS);
    if (result.code !== 0) throw failed(`stopping replica ${handle.id} on ${handle.host} failed: ${result.stderr.trim() || `exit code ${result.code}`}`);
    await this.fetchLogTail(target, ep, handle);
  }

  /** Closes the master connections to every host. */
  close(): Promise<void> {
    return this.client.close();
  }

  /** Makes the release directory exist on the host, copying the artifact only when the host lacks it. */
  private ensureRelease(target: SshTargetConfig, ep: SshEndpoint, paths: HostPaths, localArtifact: string): Promise<void> {
    const key = `${ep.host}:${ep.port} ${paths.root} ${paths.service} ${paths.version} ${paths.digest}`;
    let pending = this.installing.get(key);
    if (!pending) {
      pending = this.install(target, ep, paths, localArtifact).finally(() => this.installing.delete(key));
      this.installing.set(key, pending);
    }
    return pending;
  }

  private async install(target: SshTargetConfig, ep: SshEndpoint, paths: HostPaths, localArtifact: string): Promise<void> {
    const probe = await this.client.run(target, ep, probeReleaseScript(paths), COMMAND_TIMEOUT_MS);
    const [found = "", partBytes = "0"] = probe.stdout.trim().split(" ");
    if (probe.code !== 0 || !["release-ready", "artifact-present", "artifact-missing"].includes(found)) {
      throw failed(`preparing ${paths.service} ${paths.version} on ${ep.host} failed: ${probe.stderr.trim() || `exit code ${probe.code}`}`, {
        hint: `check that ${target.user} may write ${target.root} on the host and that it has sha256sum and tar`,
      });
    }
    if (found === "release-ready") return;
    let uploaded: string | null = null;
    if (found === "artifact-missing") {
      // An earlier copy cut off midway (a link down, a restart) is continued, not started over;
      // a part longer than the artifact cannot be a prefix of it and is written anew.
      const onHost = Number(partBytes);
      const from = Number.isSafeInteger(onHost) && onHost <= (await stat(localArtifact)).size ? onHost : 0;
      uploaded = partialArtifactFile(paths);
      await this.client.copy(target, ep, localArtifact, uploaded, COPY_TIMEOUT_MS, from);
    }
    const installed = await this.client.run(target, ep, installReleaseScript(paths, uploaded), COPY_TIMEOUT_MS);
    if (installed.code !== 0) {
      throw failed(`installing ${paths.service} ${paths.version} on ${ep.host} failed: ${installed.stderr.trim() || `exit code ${installed.code}`}`, {
        hint: installed.code === 3 ? "the copy was damaged on the way; deploy again to copy it anew" : `check free space under ${target.root} on the host`,
      });
    }
  }

  /** Copies the end of the replica's remote log to its local log path, where the engine reads it for error messages. */
  private async fetchLogTail(target: SshTargetConfig, ep: SshEndpoint, handle: ReplicaHandle): Promise<void> {
    const tail = await this.client.run(target, ep, logTailScript(remoteLog(target.root, handle.id), LOG_TAIL_LINES), COMMAND_TIMEOUT_MS);
    await mkdir(dirname(handle.logPath), { recursive: true });
    await writeFile(handle.logPath, tail.stdout);
  }
}

function sshTargetOf(target: TargetConfig | undefined): SshTargetConfig {
  if (target?.driver !== "ssh") {
    throw badInput("the ssh driver needs an ssh target (target.driver: ssh with hosts, user, key and known_hosts)", {
      hint: "a replica started before its target was recorded cannot be reached over ssh; stop it on its host",
    });
  }
  return target;
}
