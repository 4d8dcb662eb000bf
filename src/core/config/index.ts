/**
 * slipway.yaml: the schema and its types, parsing with located errors, deployability checks
 * and formatting. `loadServiceConfigFile` (load.ts) is the one function here that touches the
 * file system; the rest is pure and safe to use anywhere.
 */
export * from "./schema.js";
export type { ConfigProblem, ConfigResult } from "./problem.js";
export { parseServiceConfig } from "./parse.js";
export { formatProblem, formatProblems } from "./format.js";
export { loadServiceConfigFile } from "./load.js";
export type { LoadedServiceConfig } from "./load.js";
export { parseAllowWindow, parseFreezeRange, WEEKDAYS } from "./windows.js";
export { addDays, canonicalTimeZone, localTime, zonedToUtc, zoneOffset } from "./time-zone.js";
export type { LocalTime, WallTime } from "./time-zone.js";
export { TRIAGE_CATEGORIES, TRIAGE_ROLES, TRIAGE_SCORING_ROLES, TRIAGE_MARKER_ROLES, parseTriageRules, rulesOfFile, scoringRole, triageConfigSchema, triageRuleSchema, triageRulesFileSchema } from "./triage.js";
export type { TriageCategory, TriageRole, TriageMarkerRole, TriageRuleSpec } from "./triage.js";
export { NOTIFY_EVENTS, notificationsSchema, parseNotificationsFile } from "./notifications.js";
export type { NotificationsConfig, NotifyDestination, NotifyEventName, NotifyRoute, SecretReference } from "./notifications.js";
