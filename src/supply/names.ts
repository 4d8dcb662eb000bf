import { badInput } from "../core/index.js";

/** Same rule as `service:` in slipway.yaml (src/core/config/schema.ts). */
const SERVICE = /^[a-z][a-z0-9-]{0,62}$/;
/** Semver-ish: 1.2.0, 1.2.0-rc.1, 2026.01.15+build.7, v3. No slashes, whitespace or "..". */
const VERSION = /^[0-9A-Za-z][0-9A-Za-z._+-]{0,127}$/;
const DIGEST = /^[0-9a-f]{64}$/;

/** Throws badInput unless `service` is a valid service name. */
export function checkServiceName(service: string): void {
  if (typeof service !== "string" || !SERVICE.test(service)) {
    throw badInput(`service ${JSON.stringify(service)} is not a valid service name`, {
      hint: "use lower-case letters, digits and '-', starting with a letter (e.g. checkout-api)",
    });
  }
}

/** Throws badInput unless `version` is a usable artifact version. */
export function checkVersion(version: string): void {
  if (typeof version !== "string" || !VERSION.test(version) || version.includes("..")) {
    throw badInput(`version ${JSON.stringify(version)} is not a valid version`, {
      hint: "use letters, digits and . _ + -, starting with a letter or digit (e.g. 1.2.0 or 1.2.0-rc.1)",
    });
  }
}

/** Accepts `sha256:<hex>` or bare hex and returns the bare lower-case hex digest. */
export function parseDigest(digest: string): string {
  const hex = digest.startsWith("sha256:") ? digest.slice("sha256:".length) : digest;
  if (!DIGEST.test(hex)) {
    throw badInput(`${JSON.stringify(digest)} is not a sha256 digest`, { hint: "expected sha256: followed by 64 lower-case hex digits" });
  }
  return hex;
}

/** `sha256:<hex>`, the form shown to people. */
export const formatDigest = (hex: string): string => `sha256:${hex}`;

/** `sha256:0123456789ab…`, for messages. */
export const shortDigest = (hex: string): string => `sha256:${hex.slice(0, 12)}…`;
