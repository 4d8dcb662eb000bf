import type { ConfigResult } from "../core/index.js";
import { runOffThread, siblingModule } from "../workers/index.js";

const PARSE_MODULE = siblingModule(import.meta.url, "../core/config/parse");
const checks = new WeakMap<object, Promise<ConfigResult>>();

/**
 * Parses and lints a slipway.yaml on a worker thread: a large or hostile file costs a worker
 * seconds, never the event loop that answers /healthz and drives deployments. Memoised per
 * request body, so a route's scope (which needs the service name) and its handler share one parse.
 */
export function checkConfigOffThread(body: { yaml: string; file: string }): Promise<ConfigResult> {
  let check = checks.get(body);
  if (!check) {
    check = runOffThread<ConfigResult>({ module: PARSE_MODULE, fn: "parseServiceConfig", args: [body.yaml, body.file] });
    checks.set(body, check);
  }
  return check;
}
