import { z } from "zod";
import { duration } from "./values.js";
import { parseAllowWindow, parseFreezeRange } from "./windows.js";
import type { AllowWindow, FreezeWindow } from "./windows.js";

/**
 * The environment keys that govern the road to production: `requires` (promotion, soak,
 * approvals, signatures, provenance, SBOM, vulnerability severity) and `windows` (allowed change windows and freezes). Window and
 * freeze strings are parsed here, into AllowWindow / FreezeWindow values, so a bad one is a
 * located lint error and policy code only ever sees structured data.
 */

/** Roles in ascending order of power; a higher role can do what a lower one can. */
export const ROLE_NAMES = ["viewer", "deployer", "approver", "admin"] as const;

/** What `max_severity` may say: the worst severity a scan may report and still pass. */
export const SCAN_THRESHOLDS = ["none", "low", "medium", "high", "critical"] as const;

/** Who `not_by` can exclude from approving. */
export const SEPARATED_PARTIES = ["deployer", "author"] as const;

const DAY_MS = 86_400_000;

const envName = z.string({ error: "expected an environment name (e.g. staging)" }).regex(/^[a-z][a-z0-9-]{0,62}$/, {
  error: "expected an environment name: lower-case letters, digits and '-' (e.g. staging)",
});

const approvals = z.strictObject({
  count: z.number().int().min(1).max(20).default(1).describe("how many distinct people must approve (e.g. 1)"),
  from: z
    .array(z.enum(ROLE_NAMES))
    .min(1)
    .default(["approver"])
    .describe("the roles that may approve; a higher role also qualifies (e.g. [approver])"),
  not_by: z
    .array(z.enum(SEPARATED_PARTIES))
    .default([])
    .describe("who may not approve their own change: deployer, author (e.g. [deployer, author])"),
  expires: duration.default(DAY_MS).describe("how long an approval stays valid (e.g. 24h)"),
});

export const requiresSchema = z.strictObject({
  promoted_from: envName
    .optional()
    .describe("the environment where the same artifact digest must have succeeded first (e.g. staging)"),
  soak: duration
    .optional()
    .describe("how long the artifact must have run in promoted_from without a failed verification (e.g. 10m)"),
  approvals: approvals.optional().describe("who must approve a deployment (e.g. { count: 1, not_by: [deployer, author] })"),
  signed_by: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe("the keys whose signature the artifact must carry (e.g. [release-key])"),
  provenance: z
    .union([
      z.literal(true),
      z.strictObject({
        builders: z.array(z.string().min(1)).min(1).describe("the builder ids trusted to build for this environment (e.g. [https://github.com/actions/runner])"),
        signed: z.boolean().default(false).describe("true: a signed_by key must vouch for the provenance"),
      }),
    ])
    .optional()
    .describe("the artifact must carry SLSA provenance about its digest (true, or { builders: [...], signed: true })"),
  sbom: z.boolean().optional().describe("true: the artifact must carry an SBOM (CycloneDX or SPDX)"),
  max_severity: z
    .enum(SCAN_THRESHOLDS)
    .optional()
    .describe("the worst vulnerability severity allowed in the artifact's scans: none, low, medium, high or critical (e.g. high)"),
});

const allowWindow = z
  .string({ error: 'expected a change window such as "Mon-Fri 09:00-17:00 Europe/Berlin"' })
  .transform((text, ctx): AllowWindow => {
    const parsed = parseAllowWindow(text);
    if (typeof parsed === "string") {
      ctx.issues.push({ code: "custom", message: parsed, input: text });
      return z.NEVER;
    }
    return parsed;
  });

const freezeRange = z
  .string({ error: 'expected a freeze range such as "2026-12-20..2027-01-04"' })
  .describe('the frozen dates or date-times (e.g. "2026-12-20..2027-01-04" or "2026-11-27T18:00..2026-11-28T06:00 Europe/Berlin")');

function toFreeze(text: string, reason: string | undefined, ctx: z.core.$RefinementCtx, path: PropertyKey[]): FreezeWindow {
  const parsed = parseFreezeRange(text, reason);
  if (typeof parsed === "string") {
    ctx.issues.push({ code: "custom", message: parsed, input: text, path });
    return z.NEVER;
  }
  return parsed;
}

const freeze = z.union([
  freezeRange.transform((text, ctx) => toFreeze(text, undefined, ctx, [])),
  z
    .strictObject({
      range: freezeRange,
      reason: z.string().min(1).optional().describe("why the freeze exists, shown in every refusal (e.g. Black Friday)"),
    })
    .transform((f, ctx) => toFreeze(f.range, f.reason, ctx, ["range"])),
]);

export const windowsSchema = z.strictObject({
  allow: z
    .array(allowWindow)
    .default([])
    .describe('when deployments may run; outside every window they wait (e.g. ["Mon-Thu 09:00-16:00 Europe/Berlin"])'),
  freeze: z
    .array(freeze)
    .default([])
    .describe('when nothing deploys, even inside a window (e.g. ["2026-12-20..2027-01-04"])'),
});

export type Role = (typeof ROLE_NAMES)[number];
export type SeparatedParty = (typeof SEPARATED_PARTIES)[number];
export type RequiresConfig = z.output<typeof requiresSchema>;
export type ApprovalsConfig = NonNullable<RequiresConfig["approvals"]>;
export type WindowsConfig = z.output<typeof windowsSchema>;
export type ScanThreshold = (typeof SCAN_THRESHOLDS)[number];
export type ProvenanceRequirement = NonNullable<RequiresConfig["provenance"]>;
export type { AllowWindow, FreezeWindow } from "./windows.js";
