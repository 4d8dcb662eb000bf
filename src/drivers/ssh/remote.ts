import { SUPERVISOR_SH } from "./supervisor.js";

/**
 * The POSIX sh scripts the ssh driver runs on a host (sent on stdin to `sh -s`). The layout
 * under the target's root:
 *
 *   .slipway/supervise.sh              the supervisor Slipway ships
 *   .artifacts/<sha256>.tgz            artifacts, each copied once and checked by digest
 *   <service>/releases/<version>/      unpacked releases (the newest few kept for rollback)
 *   logs/<replica>.log                 each replica's output, secrets redacted
 *   .run/<replica>/                    a running replica's pids and state
 */

/** How many releases of a service stay on a host (besides any a live replica uses). */
export const KEEP_RELEASES = 3;

export interface HostPaths {
  root: string;
  service: string;
  version: string;
  digest: string;
}

export const releaseDir = (p: HostPaths) => `${p.root}/${p.service}/releases/${p.version}`;
export const artifactFile = (p: Pick<HostPaths, "root" | "digest">) => `${p.root}/.artifacts/${p.digest}.tgz`;
/** Where a copy is written until its digest is checked: kept when the copy is cut off, so the next one resumes. */
export const partialArtifactFile = (p: Pick<HostPaths, "root" | "digest">) => `${artifactFile(p)}.part`;
export const replicaDir = (root: string, id: string) => `${root}/.run/${id}`;
export const remoteLog = (root: string, id: string) => `${root}/logs/${id}.log`;

/** Single-quotes a value for sh. */
export function shQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Prints release-ready (unpacked already), artifact-present (copied, digest matches) or
 * `artifact-missing N`: N bytes of an earlier, interrupted copy are on the host already
 * (`<artifact>.part`), and the copy goes on from there.
 */
export function probeReleaseScript(p: HostPaths): string {
  return `set -eu
rel=${shQuote(releaseDir(p))}; art=${shQuote(artifactFile(p))}; digest=${shQuote(p.digest)}
if [ -f "$rel/.slipway-digest" ] && [ "$(cat "$rel/.slipway-digest")" = "$digest" ]; then echo release-ready; exit 0; fi
mkdir -p "$(dirname "$art")"
if [ -f "$art" ] && [ "$(sha256sum "$art" | cut -d' ' -f1)" = "$digest" ]; then echo artifact-present; exit 0; fi
part="$art.part"; if [ -f "$part" ]; then echo "artifact-missing $(wc -c <"$part" | tr -d ' ')"; else echo "artifact-missing 0"; fi
`;
}

/**
 * Checks the copied artifact's sha256 on the host (exit 3 and the digest found when it differs),
 * unpacks it into a fresh directory renamed into place (a release is complete or absent), and
 * prunes releases beyond the newest KEEP_RELEASES that no live replica uses.
 */
export function installReleaseScript(p: HostPaths, uploaded: string | null): string {
  return `set -eu
rel=${shQuote(releaseDir(p))}; art=${shQuote(artifactFile(p))}; digest=${shQuote(p.digest)}; root=${shQuote(p.root)}
check="$art"${uploaded === null ? "" : `; check=${shQuote(uploaded)}`}
got=$(sha256sum "$check" | cut -d' ' -f1)
if [ "$got" != "$digest" ]; then rm -f "$check"; echo "checksum mismatch on the host: expected sha256:$digest, found sha256:$got" >&2; exit 3; fi
[ "$check" = "$art" ] || mv -f "$check" "$art"
tmp="$rel.part.$$"; rm -rf "$tmp"; mkdir -p "$tmp"
tar -xzf "$art" -C "$tmp" --no-same-owner
echo "$digest" >"$tmp/.slipway-digest"
rm -rf "$rel"; mv "$tmp" "$rel"
releases=$(dirname "$rel")
ls -1t "$releases" | tail -n +${KEEP_RELEASES + 1} | while read -r old; do
  case "$old" in *.part.*) continue ;; esac
  in_use=0
  for f in "$root"/.run/*/release; do [ -f "$f" ] && [ "$(cat "$f")" = "$releases/$old" ] && in_use=1; done
  [ "$in_use" = 1 ] || rm -rf "$releases/$old"
done
echo installed
`;
}

export interface StartRequest {
  root: string;
  id: string;
  release: string;
  log: string;
  command: string;
  /** Every variable the app gets: config, secrets, the port. */
  env: Record<string, string>;
  secretNames: string[];
  signal: string;
  graceMs: number;
}

/** Prints `pid=N` of the replica's supervisor, started now or already running (idempotent). */
export function startScript(r: StartRequest): string {
  const exports = Object.entries(r.env).map(([k, v]) => `export ${k}=${shQuote(v)}`).join("\n");
  return `set -eu
root=${shQuote(r.root)}; id=${shQuote(r.id)}; d=${shQuote(replicaDir(r.root, r.id))}
${aliveFunction()}
if alive; then echo "pid=$sp"; exit 0; fi
mkdir -p "$d" "$root/.slipway" "$(dirname ${shQuote(r.log)})"
rm -f "$d/state" "$d/supervisor.pid" "$d/app.pid" "$d/last-exit"
cat >"$root/.slipway/supervise.sh.$$" <<'SLIPWAY_SUPERVISOR_EOF'
${SUPERVISOR_SH}SLIPWAY_SUPERVISOR_EOF
mv -f "$root/.slipway/supervise.sh.$$" "$root/.slipway/supervise.sh"
printf '%s\\n' ${shQuote(r.release)} >"$d/release"
cd ${shQuote(r.release)}
${exports}
export SLIPWAY_SUP_DIR="$d" SLIPWAY_SUP_CMD=${shQuote(r.command)} SLIPWAY_SUP_LOG=${shQuote(r.log)}
export SLIPWAY_SUP_SIGNAL=${shQuote(r.signal)} SLIPWAY_SUP_GRACE_MS=${Math.max(0, Math.round(r.graceMs))} SLIPWAY_SECRET_NAMES=${shQuote(r.secretNames.join(" "))}
launch=; command -v setsid >/dev/null 2>&1 && launch=setsid
$launch sh "$root/.slipway/supervise.sh" "$id" </dev/null >/dev/null 2>&1 &
i=0; while [ ! -s "$d/supervisor.pid" ] && [ "$i" -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$d/supervisor.pid" ] || { echo "the supervisor did not start within 10 s" >&2; exit 3; }
echo "pid=$(cat "$d/supervisor.pid")"
`;
}

/** Prints state=…, restarts=…, last_exit=CODE EPOCH (or empty). */
export function statusScript(root: string, id: string): string {
  return `set -u
d=${shQuote(replicaDir(root, id))}; id=${shQuote(id)}
${aliveFunction()}
if alive; then echo "state=$(cat "$d/state" 2>/dev/null || echo starting)"; else echo state=exited; fi
echo "restarts=$(cat "$d/restarts" 2>/dev/null || echo 0)"
echo "last_exit=$(cat "$d/last-exit" 2>/dev/null || true)"
`;
}

/**
 * Asks the supervisor to stop the app (it applies the signal and the grace period), waits for
 * it, kills what is left after grace + 5 s, and removes the replica's run directory. Idempotent.
 */
export function stopScript(root: string, id: string, graceMs: number): string {
  return `set -u
d=${shQuote(replicaDir(root, id))}; id=${shQuote(id)}
${aliveFunction()}
if alive; then
  kill -s TERM "$sp" 2>/dev/null || true
  ticks=${Math.ceil(graceMs / 100) + 50}
  while alive && [ "$ticks" -gt 0 ]; do sleep 0.1; ticks=$((ticks - 1)); done
  if alive; then
    app=$(cat "$d/app.pid" 2>/dev/null || true)
    [ -n "$app" ] && { kill -s KILL -- "-$app" 2>/dev/null || kill -s KILL "$app" 2>/dev/null || true; }
    kill -s KILL "$sp" 2>/dev/null || true
  fi
fi
rm -rf "$d"
echo stopped
`;
}

export function logTailScript(log: string, lines: number): string {
  return `tail -n ${lines} ${shQuote(log)} 2>/dev/null || true\n`;
}

/** alive: the replica's supervisor runs (its pid, and on Linux its command line names the replica, so a reused pid is not taken for it). */
function aliveFunction(): string {
  return `alive() {
  sp=$(cat "$d/supervisor.pid" 2>/dev/null || true)
  [ -n "$sp" ] && kill -s 0 "$sp" 2>/dev/null || return 1
  [ -r "/proc/$sp/cmdline" ] || return 0
  tr '\\000' ' ' <"/proc/$sp/cmdline" | grep -q -- "$id"
}`;
}
