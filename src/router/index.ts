/**
 * The built-in traffic router: a daemon that splits each route's traffic across versions by
 * weight, counts per-version outcomes, and drains versions before they stop. The control plane
 * drives it through `RouterClient` (a `RouterControl`) and starts it with `ensureRouterDaemon`.
 */
export type { Backend, Route, RouterControl } from "./types.js";
export { RouterClient } from "./client.js";
export type { RouterClientOptions, RouterHealth } from "./client.js";
export { ensureRouterDaemon, stopRouterDaemon, routerPaths } from "./daemon.js";
export type { EnsureRouterOptions } from "./daemon.js";
export { startRouter } from "./router.js";
export type { RunningRouter, StartRouterOptions } from "./router.js";
export type { RouterLogger } from "./logger.js";
export { REPLAYABLE_BODY_BYTES } from "./request-body.js";
export type { UpstreamKind } from "./upstream.js";
export { HaproxyRouter, serverName, type HaproxyBalancer } from "./haproxy/haproxy-router.js";
export { runtimeCommand } from "./haproxy/runtime-api.js";
export { ScriptBalancer } from "./script-balancer.js";
