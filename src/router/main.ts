/**
 * The router daemon: `main --socket PATH --state PATH [--host H]`. It outlives control-plane
 * restarts, so it is started detached (see `ensureRouterDaemon`) and logs JSON lines to stdout.
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { startRouter } from "./router.js";
import { UPSTREAM_KINDS } from "./upstream.js";

const USAGE = "usage: router --socket PATH --state PATH [--stats PATH] [--host HOST] [--grace-ms N] [--upstream undici|node]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      socket: { type: "string" },
      state: { type: "string" },
      stats: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "grace-ms": { type: "string", default: "10000" },
      upstream: { type: "string", default: "undici" },
    },
    strict: true,
  });
  const upstream = UPSTREAM_KINDS.find((k) => k === values.upstream);
  if (!values.socket || !values.state || !upstream) {
    console.error(USAGE);
    process.exit(2);
  }
  const graceMs = Number(values["grace-ms"]);
  const logger = pino({ name: "slipway-router", base: { pid: process.pid } });
  const router = await startRouter({ host: values.host, socketPath: values.socket, statePath: values.state, statsPath: values.stats, logger, graceMs, upstream });
  logger.info({ host: values.host, socket: values.socket, state: values.state, upstream }, "router daemon ready");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing requests in flight");
    // A hard stop a little after the grace period, should a close hang.
    setTimeout(() => process.exit(1), graceMs + 2000).unref();
    router.close(graceMs).then(
      () => {
        logger.info({}, "router daemon stopped");
        process.exit(0);
      },
      (err: Error) => {
        logger.error({ err: err.message }, "unclean stop");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: Error) => {
  // Startup failures (socket taken, unreadable state dir) go to the log ensureRouterDaemon shows.
  console.error(JSON.stringify({ level: 60, time: Date.now(), msg: "router daemon failed to start", err: err.message, hint: (err as { hint?: string }).hint }));
  process.exit(1);
});
