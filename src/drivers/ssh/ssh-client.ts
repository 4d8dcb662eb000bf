import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SshTargetConfig } from "../../core/index.js";
import { Limiter } from "./limiter.js";
import { shQuote } from "./remote.js";
import { spawnCollect, type RunResult } from "./spawn.js";
import { hostKeyError, isHostKeyFailure, unreachableError } from "./ssh-errors.js";

/** How to reach one host: everything the OpenSSH client needs besides the command. */
export interface SshEndpoint {
  host: string;
  user: string;
  port: number;
  /** Private key file; undefined: the ssh-agent's keys. */
  keyFile: string | undefined;
  knownHosts: string;
  acceptNewHostKeys: boolean;
  connectTimeoutMs: number;
}

export function endpointOf(target: SshTargetConfig, host: string): SshEndpoint {
  return {
    host,
    user: target.user,
    port: target.port,
    keyFile: target.key === "agent" ? undefined : target.key.file,
    knownHosts: target.known_hosts,
    acceptNewHostKeys: target.accept_new_host_keys,
    connectTimeoutMs: target.connect_timeout,
  };
}

/** How long a multiplexing master stays after its last session. */
const CONTROL_PERSIST_S = 60;
/** A connection whose host stopped answering is given up after about this many keep-alive rounds of 2 s. */
const ALIVE_INTERVAL_S = 2;
const ALIVE_COUNT = 3;

/**
 * The system's OpenSSH client, driven by Slipway: strict host-key checking against the
 * target's known_hosts, batch mode (never a prompt), one multiplexed master connection per
 * host (ControlMaster), and at most `max_parallel` ssh processes per fleet at once.
 */
export class SshClient {
  private readonly controlDir: string;
  private readonly limiters = new Map<string, Limiter>();
  private readonly opening = new Map<string, Promise<void>>();

  /** `scopeKey` keeps the control sockets of different data directories apart. */
  constructor(scopeKey: string) {
    // Unix socket paths are short (about 104 bytes), so the sockets live in a short temp path.
    this.controlDir = join(tmpdir(), `slipway-ssh-${hash(scopeKey).slice(0, 12)}`);
    mkdirSync(this.controlDir, { recursive: true, mode: 0o700 });
  }

  /** Runs a POSIX sh script on the host (sent on stdin, so nothing of it shows in a process list there). */
  async run(target: SshTargetConfig, ep: SshEndpoint, script: string, timeoutMs: number): Promise<RunResult> {
    return this.limiterOf(target).use(async () => {
      await this.ensureMaster(ep);
      const result = await spawnCollect("ssh", [...this.options(ep), "-o", "ControlMaster=no", ep.host, "sh -s"], script, timeoutMs);
      if (result.code === 255) throw await this.connectionError(ep, result.stderr);
      return result;
    });
  }

  /**
   * Copies a local file to a path on the host over the same master connection, appending from
   * byte `from` (what an interrupted copy left there) or writing it anew when `from` is 0.
   */
  async copy(target: SshTargetConfig, ep: SshEndpoint, localPath: string, remotePath: string, timeoutMs: number, from = 0): Promise<void> {
    await this.limiterOf(target).use(async () => {
      await this.ensureMaster(ep);
      const write = `cat ${from > 0 ? ">>" : ">"} ${shQuote(remotePath)}`;
      const result = await spawnCollect("ssh", [...this.options(ep), "-o", "ControlMaster=no", ep.host, write], createReadStream(localPath, { start: from }), timeoutMs);
      if (result.code !== 0) {
        if (isHostKeyFailure(result.stderr)) throw await hostKeyError(ep, result.stderr);
        throw unreachableError(ep, `copying the artifact failed: ${lastLine(result.stderr)}`);
      }
    });
  }

  /** Ends every master connection this client opened. */
  async close(): Promise<void> {
    for (const socket of listSockets(this.controlDir)) {
      // Best effort: a master whose host is gone ends by itself after its keep-alives fail.
      await spawnCollect("ssh", ["-F", "/dev/null", "-o", `ControlPath=${socket}`, "-O", "exit", "slipway-control"], "", 5_000).catch(() => undefined);
      rmSync(socket, { force: true });
    }
    rmSync(this.controlDir, { recursive: true, force: true });
  }

  private limiterOf(target: SshTargetConfig): Limiter {
    const key = `${target.user}@${target.hosts.join(",")}:${target.port}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new Limiter(target.max_parallel);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  /**
   * One master per way of connecting: a target with another known_hosts or key must not ride on
   * a connection whose host key was checked against something else.
   */
  private controlPath(ep: SshEndpoint): string {
    return join(this.controlDir, hash(JSON.stringify([ep.user, ep.host, ep.port, ep.keyFile ?? "agent", ep.knownHosts, ep.acceptNewHostKeys])).slice(0, 16));
  }

  /**
   * Opens the host's master connection when there is none. Started with -f (it goes to the
   * background once logged in) and stdio on a file, so no pipe of ours is held by it.
   */
  private ensureMaster(ep: SshEndpoint): Promise<void> {
    const socket = this.controlPath(ep);
    if (existsSync(socket)) return Promise.resolve();
    // Concurrent commands to one host wait for the same master.
    let opening = this.opening.get(socket);
    if (!opening) {
      opening = this.openMaster(ep, socket).finally(() => this.opening.delete(socket));
      this.opening.set(socket, opening);
    }
    return opening;
  }

  private async openMaster(ep: SshEndpoint, socket: string): Promise<void> {
    mkdirSync(this.controlDir, { recursive: true, mode: 0o700 });
    const errFile = `${socket}.${process.pid}.${Date.now()}.err`;
    const fd = openSync(errFile, "w", 0o600);
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const child = spawn("ssh", [...this.options(ep), "-o", "ControlMaster=yes", "-o", `ControlPersist=${CONTROL_PERSIST_S}`, "-f", "-N", ep.host], {
          stdio: ["ignore", "ignore", fd],
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), ep.connectTimeoutMs + 5_000);
        child.once("error", reject);
        child.once("exit", (c) => {
          clearTimeout(timer);
          resolve(c ?? 255);
        });
      });
      if (code !== 0) throw await this.connectionError(ep, readFileSync(errFile, "utf8"));
    } finally {
      closeSync(fd);
      rmSync(errFile, { force: true });
    }
  }

  private async connectionError(ep: SshEndpoint, stderr: string): Promise<Error> {
    return isHostKeyFailure(stderr) ? hostKeyError(ep, stderr) : unreachableError(ep, lastLine(stderr) || "ssh exited with 255");
  }

  /** The options every ssh and scp call gets; scp takes the port as -P, so `withPort` leaves it out. */
  private options(ep: SshEndpoint, withPort = true): string[] {
    const opts = [
      "-o", "BatchMode=yes",
      "-o", `StrictHostKeyChecking=${ep.acceptNewHostKeys ? "accept-new" : "yes"}`,
      "-o", `UserKnownHostsFile=${ep.knownHosts}`,
      "-o", "GlobalKnownHostsFile=/dev/null",
      "-o", "UpdateHostKeys=no",
      "-o", `ConnectTimeout=${Math.max(1, Math.ceil(ep.connectTimeoutMs / 1000))}`,
      "-o", `ServerAliveInterval=${ALIVE_INTERVAL_S}`,
      "-o", `ServerAliveCountMax=${ALIVE_COUNT}`,
      "-o", `ControlPath=${this.controlPath(ep)}`,
      "-o", "LogLevel=ERROR",
      "-o", `User=${ep.user}`,
      "-F", "/dev/null",
    ];
    if (ep.keyFile !== undefined) opts.push("-o", `IdentityFile=${ep.keyFile}`, "-o", "IdentitiesOnly=yes");
    if (withPort) opts.push("-p", String(ep.port));
    return opts;
  }
}

const hash = (text: string) => createHash("sha1").update(text).digest("hex");
const lastLine = (text: string) => text.trim().split("\n").filter(Boolean).pop() ?? "";

function listSockets(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => !f.endsWith(".err")).map((f) => join(dir, f));
  } catch {
    return [];
  }
}
