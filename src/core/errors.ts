/**
 * The one error family of Slipway. Every error a user can meet carries a stable `code`,
 * a message that says what was wrong, and a `hint` that says what would fix it.
 */
export type ErrorCode =
  | "bad_input" // the caller sent something invalid: HTTP 400, exit 2
  | "unauthorized" // no or unknown credentials: HTTP 401
  | "forbidden" // credentials lack a permission: HTTP 403
  | "not_found" // HTTP 404
  | "conflict" // state does not allow it (lock held, version exists): HTTP 409
  | "too_large" // the input is over a size limit (body, archive, expansion): HTTP 413, exit 2
  | "rate_limited" // the token sent too many requests too fast: HTTP 429
  | "failed" // the operation ran and failed (deployment failed, probe failed): exit 1
  | "unavailable" // a dependency is down (database, router): HTTP 503
  | "internal"; // a bug: HTTP 500

export interface SlipwayErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured facts for --json output and API bodies (e.g. a list of config problems). */
  details?: unknown;
}

export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: SlipwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SlipwayError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

export const badInput = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("bad_input", message, options);
export const notFound = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("not_found", message, options);
export const conflict = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("conflict", message, options);
export const tooLarge = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("too_large", message, options);
export const failed = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("failed", message, options);
export const unavailable = (message: string, options?: SlipwayErrorOptions) =>
  new SlipwayError("unavailable", message, options);

export function isSlipwayError(err: unknown): err is SlipwayError {
  return err instanceof SlipwayError;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  failed: 422,
  unavailable: 503,
  internal: 500,
};

/** The one place that maps errors to HTTP status codes. */
export function httpStatusOf(err: unknown): number {
  return isSlipwayError(err) ? HTTP_STATUS[err.code] : 500;
}

/** The one place that maps errors to CLI exit codes: 2 for bad usage or input (too large included), 1 otherwise. */
export function exitCodeOf(err: unknown): 1 | 2 {
  return isSlipwayError(err) && (err.code === "bad_input" || err.code === "too_large") ? 2 : 1;
}

/** Rebuilds a SlipwayError from an API error body (`{ error: { code, message, hint, details } }`). */
export function errorFromBody(status: number, body: unknown): SlipwayError {
  const e = (body as { error?: { code?: string; message?: string; hint?: string; details?: unknown } })?.error;
  const code = (e?.code && e.code in HTTP_STATUS ? e.code : status >= 500 ? "internal" : "failed") as ErrorCode;
  return new SlipwayError(code, e?.message ?? `server answered HTTP ${status}`, { hint: e?.hint, details: e?.details });
}
