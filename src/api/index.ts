export { buildApi } from "./server.js";
export { createToken, authenticate, type Role, type Principal } from "./auth.js";
export type { ApiContext } from "./context.js";
