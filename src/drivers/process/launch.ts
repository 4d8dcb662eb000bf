import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { childExecArgv } from "../../core/exec-argv.js";

/**
 * How the driver starts a shim: the same node binary and loader flags as the control plane
 * (so it works from TS sources under tsx and from compiled dist/), detached into its own
 * session, with a minimal environment.
 */

/** Node flags the shim inherits, e.g. `--import tsx` when running from sources. */
export function shimExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  return childExecArgv(shimScriptPath(), execArgv);
}

/** The shim script next to this module: `shim.ts` under tsx, `shim.js` in dist/. */
export function shimScriptPath(): string {
  const ext = extname(fileURLToPath(import.meta.url));
  return fileURLToPath(new URL(`./shim${ext}`, import.meta.url));
}

/** Variables the shim itself needs: a path, a home, locale, time zone, and node's own loader settings. */
const SHIM_ENV = /^(PATH|HOME|LANG|TZ|NODE_OPTIONS|NODE_PATH|TSX_.*)$/;

/** The shim's environment: the few variables above plus the secret values, and nothing else of ours. */
export function shimEnvironment(secrets: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && SHIM_ENV.test(name)) out[name] = value;
  }
  return { ...out, ...secrets };
}

/**
 * Spawns the shim detached (own session and process group), stdout/stderr appended to
 * `shimLogPath`, and unref'd so the control plane neither waits for it nor takes it down.
 */
export function spawnShim(specPath: string, shimLogPath: string, secrets: Record<string, string>): ChildProcess {
  const log = openSync(shimLogPath, "a", 0o600);
  try {
    const child = spawn(process.execPath, [...shimExecArgv(), shimScriptPath(), specPath], {
      // The control plane's cwd, because node resolves `--import tsx` from there.
      cwd: process.cwd(),
      env: shimEnvironment(secrets),
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}
