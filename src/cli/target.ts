import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ApiTarget } from "./api-client.js";

export interface GlobalOptions {
  server?: string;
  token?: string;
  data?: string;
}

/** The data directory `slipway server` uses by default, and where the CLI looks for it. */
const DATA_DIR_NAME = ".slipway";
const TOKEN_FILE = "admin-token";

/** Where the server is and which token to use: flags, then SLIPWAY_SERVER / SLIPWAY_TOKEN, then the local admin token. */
export function resolveTarget(options: GlobalOptions, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ApiTarget {
  const server = options.server ?? env.SLIPWAY_SERVER ?? "http://127.0.0.1:7070";
  const explicit = options.token ?? env.SLIPWAY_TOKEN;
  if (explicit !== undefined) return { server, token: explicit };
  const dataDir = options.data ?? env.SLIPWAY_DATA;
  const found = dataDir !== undefined ? readTokenIn(resolve(cwd, dataDir)) : findLocalToken(cwd);
  return { server, token: found.token, ...(found.token === undefined ? { tokenSearch: found.report } : {}) };
}

/** A token file looked for: the token, or what was found instead (for the error that says where the CLI looked). */
export interface TokenSearch {
  token: string | undefined;
  report: string;
}

/**
 * `.slipway/admin-token` in the working directory or the nearest parent that has a `.slipway`
 * directory, so the CLI works from anywhere inside the project the server runs in.
 */
export function findLocalToken(cwd: string): TokenSearch {
  const start = resolve(cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    const found = readTokenIn(join(dir, DATA_DIR_NAME));
    if (found.token !== undefined || !found.report.endsWith("(none there)")) return found;
    if (dirname(dir) === dir) break;
  }
  return { token: undefined, report: `looked for ${join(DATA_DIR_NAME, TOKEN_FILE)} in ${start} and every parent directory up to /: none there` };
}

function readTokenIn(dataDir: string): TokenSearch {
  const file = join(dataDir, TOKEN_FILE);
  try {
    const token = readFileSync(file, "utf8").trim();
    return token ? { token, report: file } : { token: undefined, report: `${file} is empty` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { token: undefined, report: `${file} (none there)` };
    if (code === "EACCES") return { token: undefined, report: `${file} exists but this user may not read it (it belongs to the control plane's user, mode 0600)` };
    return { token: undefined, report: `${file}: ${(err as Error).message}` };
  }
}
