/**
 * Secrets: `config` values given by reference (`env:NAME`, `file:/path`) are resolved here at
 * deploy time, never stored. The public face of src/secrets.
 */
export { resolveConfig, resolveSecretReference, type ResolvedConfig } from "./resolve.js";
