/**
 * Storage: one Kysely schema and one set of migrations over SQLite and PostgreSQL, and the
 * named operations the rest of Slipway uses (no SQL outside src/store for engine state).
 * The public face of src/store.
 */
export { openStore, Store, type Dialect, type OpenStoreOptions } from "./database.js";
export { AUDIT_CHANNEL_PREFIX, type AuditSignal, type AuditWatcher } from "./audit-signal.js";
export type * from "./schema.js";
export * from "./deployments.js";
export * from "./leases.js";
export * from "./env-locks.js";
export * from "./steps.js";
export * from "./environments.js";
export * from "./replicas.js";
export * from "./decisions.js";
export * from "./approvals.js";
export * from "./services.js";
export * from "./instances.js";
export * from "./notify-outbox.js";
export * from "./metrics.js";
export * from "./matrix.js";
