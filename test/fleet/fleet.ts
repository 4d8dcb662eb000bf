/**
 * A fleet of real hosts for the ssh driver's tests: network namespaces on one bridge, each with
 * its own address (10.77.N.11, .12, …), running Debian's sshd with a generated host key and an
 * authorized client key, each with its own view of the remote root directory (a private mount
 * namespace binds a per-host directory there), and HAProxy in front on 127.0.0.1 with an admin
 * Runtime API socket. Everything is torn down by stop(), which never throws.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "../../src/net/index.js";

const run = promisify(execFile);

/** Why the fleet tests cannot run here, or undefined when they can. */
export async function fleetUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "needs root (network namespaces, veth pairs, sshd)";
  for (const tool of ["/usr/sbin/sshd", "/usr/sbin/haproxy"]) if (!existsSync(tool)) return `${tool} is not installed (apt-get install openssh-server haproxy)`;
  const probe = `slwprobe${process.pid % 10000}`;
  try {
    await run("ip", ["netns", "add", probe]);
    await run("ip", ["netns", "del", probe]);
  } catch (err) {
    return `ip netns is unavailable: ${(err as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

export interface Fleet {
  /** Host addresses, one namespace each. */
  hosts: string[];
  /** The remote root every host sees as its own (bind-mounted per host). */
  root: string;
  /** Where host i's root really is (readable from the test). */
  hostRoot(i: number): string;
  keyFile: string;
  /** known_hosts with every host's real key. */
  knownHosts: string;
  /** A known_hosts file in which host 0 has another key than the one it offers. */
  wrongKnownHosts: string;
  /** Fingerprint (SHA256:…) of host i's real key, as ssh-keygen prints it. */
  fingerprint(i: number): Promise<string>;
  haproxy: { socket: string; backend: string; url: string };
  /** Cuts / restores host i's link (its veth on the bridge side). */
  cutLink(i: number): Promise<void>;
  restoreLink(i: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startFleet(count: number): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-fleet-"));
  const net = 20 + (process.pid % 200);
  const tag = `s${net}`;
  const bridge = `${tag}br`;
  const namespaces = Array.from({ length: count }, (_, i) => `${tag}h${i}`);
  const hosts = namespaces.map((_, i) => `10.77.${net}.${11 + i}`);
  const children: ChildProcess[] = [];
  const root = join(dir, "remote-root");
  const stop = async () => {
    for (const ns of namespaces) {
      // Everything started inside a host (sshd, supervisors, apps) is in its namespace.
      const pids = await run("ip", ["netns", "pids", ns]).then((r) => r.stdout.split("\n").filter(Boolean).map(Number), () => []);
      for (const pid of pids) tryKill(pid);
    }
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const ns of namespaces) await run("ip", ["netns", "del", ns]).catch(() => undefined);
    await run("ip", ["link", "del", bridge]).catch(() => undefined);
    if (!process.env.SLIPWAY_KEEP_TEST_DATA) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await mkdir(root);
    await mkdir("/run/sshd", { recursive: true });
    await keygen(join(dir, "client"));
    await writeFile(join(dir, "authorized_keys"), await readFile(join(dir, "client.pub")));
    await sh(`ip link add ${bridge} type bridge && ip addr add 10.77.${net}.1/24 dev ${bridge} && ip link set ${bridge} up`);
    const known: string[] = [];
    for (const [i, ns] of namespaces.entries()) {
      await mkdir(join(dir, `host${i}`, "root"), { recursive: true });
      await mkdir(join(dir, `host${i}`, "home"), { recursive: true });
      await sh(
        [
          `ip netns add ${ns}`,
          `ip link add ${ns}a type veth peer name ${ns}b`,
          `ip link set ${ns}a master ${bridge} up`,
          `ip link set ${ns}b netns ${ns}`,
          `ip -n ${ns} link set ${ns}b name eth0`,
          `ip -n ${ns} addr add ${hosts[i]}/24 dev eth0`,
          `ip -n ${ns} link set eth0 up`,
          `ip -n ${ns} link set lo up`,
          `ip -n ${ns} route add default via 10.77.${net}.1`,
        ].join(" && "),
      );
      await keygen(join(dir, `host${i}_key`));
      known.push(`${hosts[i]} ${(await readFile(join(dir, `host${i}_key.pub`), "utf8")).trim()}`);
      await writeFile(join(dir, `sshd${i}.conf`), sshdConfig(dir, i, hosts[i]!));
      // The host's own mount namespace: its root directory is host<i>/root, seen at `root`, and
      // a clean home for the login user (this machine's own shell start-up files stay out of it).
      const child = spawn(
        "ip",
        ["netns", "exec", ns, "unshare", "--mount", "--propagation", "private", "sh", "-c", `mount --bind ${join(dir, `host${i}`, "root")} ${root} && mount --bind ${join(dir, `host${i}`, "home")} /root && exec /usr/sbin/sshd -D -e -f ${join(dir, `sshd${i}.conf`)}`],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      child.stderr?.resume();
      children.push(child);
    }
    await writeFile(join(dir, "known_hosts"), known.join("\n") + "\n");
    await keygen(join(dir, "impostor_key"));
    const impostor = `${hosts[0]} ${(await readFile(join(dir, "impostor_key.pub"), "utf8")).trim()}`;
    await writeFile(join(dir, "wrong_known_hosts"), [impostor, ...known.slice(1)].join("\n") + "\n");
    for (const host of hosts) await waitForPort(host, 22);
    const haproxy = await startHaproxy(dir, children);
    return {
      hosts,
      root,
      hostRoot: (i) => join(dir, `host${i}`, "root"),
      keyFile: join(dir, "client"),
      knownHosts: join(dir, "known_hosts"),
      wrongKnownHosts: join(dir, "wrong_known_hosts"),
      fingerprint: async (i) => (await run("ssh-keygen", ["-l", "-f", join(dir, `host${i}_key.pub`)])).stdout.split(" ")[1]!,
      haproxy,
      cutLink: (i) => sh(`ip link set ${namespaces[i]}a down`),
      restoreLink: (i) => sh(`ip link set ${namespaces[i]}a up`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function sshdConfig(dir: string, i: number, address: string): string {
  return [
    `ListenAddress ${address}`,
    "Port 22",
    `HostKey ${join(dir, `host${i}_key`)}`,
    `PidFile ${join(dir, `sshd${i}.pid`)}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    "StrictModes no",
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "MaxSessions 64",
    "MaxStartups 64",
    // scp speaks SFTP since OpenSSH 9.
    "Subsystem sftp internal-sftp",
    "LogLevel ERROR",
    "",
  ].join("\n");
}

async function startHaproxy(dir: string, children: ChildProcess[]): Promise<Fleet["haproxy"]> {
  const port = await findFreePort("127.0.0.1");
  const socket = join(dir, "haproxy.sock");
  const config = [
    "global",
    `  stats socket ${socket} mode 600 level admin`,
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    // A server that went away between the weight change and the request: try another one.
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response response-timeout",
    "frontend web",
    `  bind 127.0.0.1:${port}`,
    "  default_backend app",
    "backend app",
    "  balance roundrobin",
    "",
  ].join("\n");
  await writeFile(join(dir, "haproxy.cfg"), config);
  const child = spawn("/usr/sbin/haproxy", ["-db", "-f", join(dir, "haproxy.cfg")], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.resume();
  children.push(child);
  await waitForPort("127.0.0.1", port);
  return { socket, backend: "app", url: `http://127.0.0.1:${port}` };
}

async function keygen(file: string): Promise<void> {
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "slipway-fleet-test", "-f", file]);
}

async function sh(script: string): Promise<void> {
  await run("sh", ["-c", script]);
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

async function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not start listening within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
