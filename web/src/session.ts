/**
 * The login: an API token kept in sessionStorage (this tab only, gone when it closes; never a
 * cookie, so no request is sent with it unless this code adds the header: no CSRF to guard).
 */
export type Role = "viewer" | "deployer" | "approver" | "admin";
export interface Me {
  name: string;
  role: Role;
  scope: { service: string | null; environment: string | null };
  grants: string[];
}

const KEY = "slipway.token";
const ROLES: Role[] = ["viewer", "deployer", "approver", "admin"];

export const getToken = (): string | null => sessionStorage.getItem(KEY);
export const setToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const clearToken = (): void => sessionStorage.removeItem(KEY);

export const atLeast = (me: Me | null, role: Role): boolean => me !== null && ROLES.indexOf(me.role) >= ROLES.indexOf(role);

/** True when the token's role and scope allow `role` on this service/environment (the API checks again). */
export function may(me: Me | null, role: Role, service?: string, environment?: string): boolean {
  if (!atLeast(me, role) || !me) return false;
  if (me.scope.service !== null && service !== undefined && me.scope.service !== service) return false;
  if (me.scope.environment !== null && environment !== undefined && me.scope.environment !== environment) return false;
  return true;
}
