import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ApiTarget } from "./api-client.js";

export interface GlobalOptions {
  server?: string;
  token?: string;
  data?: string;
}

/** Where the server is and which token to use: flags, then SLIPWAY_SERVER / SLIPWAY_TOKEN, then the local admin token. */
export function resolveTarget(options: GlobalOptions, env: NodeJS.ProcessEnv): ApiTarget {
  const server = options.server ?? env.SLIPWAY_SERVER ?? "http://127.0.0.1:7070";
  const token = options.token ?? env.SLIPWAY_TOKEN ?? readLocalToken(options.data ?? env.SLIPWAY_DATA ?? ".slipway");
  return { server, token };
}

function readLocalToken(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, "admin-token"), "utf8").trim();
  } catch {
    return undefined; // no local server data: the request goes without a token and the server says what is missing
  }
}
