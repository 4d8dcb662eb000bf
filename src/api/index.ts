export { buildApi } from "./server.js";
export {
  createToken,
  authenticate,
  authorize,
  hasGrant,
  mayBreakGlass,
  missingPermission,
  scopeFilter,
  mayView,
  deploymentTarget,
  ROLES,
  GRANTS,
  type Role,
  type Grant,
  type Access,
  type Principal,
  type Permission,
  type Target,
  type TokenInfo,
} from "./auth.js";
export type { ApiContext, ApiOptions } from "./context.js";
export { DEFAULT_API_LIMITS, limitsFromEnv, type ApiLimits } from "./limits.js";
