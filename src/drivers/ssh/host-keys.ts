import { spawnCollect } from "./spawn.js";

/**
 * The fingerprints of the host keys a host offers ("SHA256:… (ED25519)"), read with ssh-keyscan
 * and fingerprinted by ssh-keygen, the same way `ssh` shows them. Empty when none could be read.
 */
export async function offeredFingerprints(host: string, port: number, timeoutMs: number): Promise<string[]> {
  const scan = await spawnCollect("ssh-keyscan", ["-p", String(port), "-T", String(Math.max(1, Math.ceil(timeoutMs / 1000))), host], "", timeoutMs + 2_000);
  const keys = scan.stdout.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
  if (keys.length === 0) return [];
  const printed = await spawnCollect("ssh-keygen", ["-l", "-f", "-"], keys.join("\n") + "\n", 10_000);
  // Lines look like "256 SHA256:abc… [10.0.0.1]:2222 (ED25519)".
  return printed.stdout
    .split("\n")
    .map((line) => /^\d+\s+(\S+)\s+.*\((\S+)\)\s*$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} (${m[2]})`);
}
