import type { ProvenanceRequirement, ScanThreshold } from "../core/config/index.js";
import { severityRank, type ScanFact, type SignatureFact, type SupplyFacts } from "../supply/index.js";
import { shortDigest } from "./format.js";
import type { GateName, GateResult } from "./types.js";

/**
 * The supply-chain gates: signed_by (signatures), provenance, sbom and max_severity
 * (vulnerabilities), over the facts the supply layer checked. Each refuses outright: a
 * missing signature or a critical finding does not go away by waiting.
 */

const refuse = (gate: GateName, facts: string, remedy: string): GateResult => ({ gate, passed: false, outcome: "refuse", facts, remedy });
const pass = (gate: GateName, facts: string): GateResult => ({ gate, passed: true, outcome: "pass", facts });

/** Fail closed when the engine did not gather the facts (it always should). */
const notGathered = (gate: GateName): GateResult => refuse(gate, "the supply-chain facts of the artifact were not gathered", "this is a bug in Slipway: report it; the gate refuses rather than pass unchecked");

/** The `signed_by` gate: a verified signature by every listed key. Names the keys expected and found. */
export function signaturesGate(keys: readonly string[], supply: SupplyFacts | undefined): GateResult {
  if (!supply) return notGathered("signatures");
  const digest = shortDigest(`sha256:${supply.digest}`);
  const verified = new Set(supply.signatures.filter((s) => s.verified).map((s) => s.key));
  const missing = keys.filter((k) => !verified.has(k));
  if (missing.length === 0) return pass("signatures", `${digest} ${describe(supply.signatures.filter((s) => s.verified && keys.includes(s.key ?? "")))}`);
  const expected = `expected a signature by ${missing.join(", ")}`;
  if (supply.signatures.length === 0) {
    return refuse("signatures", `${digest} is unsigned; ${expected}`, `sign it: slipway artifact sign ${formatHex(supply.digest)} --key ${missing[0]}.key (a key registered as ${missing[0]})`);
  }
  const revoked = supply.signatures.filter((s) => s.status === "revoked" && missing.includes(s.key ?? ""));
  const remedy = revoked.length > 0
    ? `${revoked.map((s) => s.key).join(", ")} is revoked: sign with a current key and list it in signed_by`
    : `sign ${formatHex(supply.digest)} with ${missing.join(", ")} (slipway artifact sign DIGEST --key FILE), or list the key that signed it in signed_by if it is trusted here`;
  return refuse("signatures", `${expected}; found: ${describe(supply.signatures)}`, remedy);
}

function describe(signatures: readonly SignatureFact[]): string {
  return signatures.map((s) => (s.status === "verified" ? `${s.detail} (verified)` : s.detail)).join("; ");
}

const formatHex = (hex: string) => `sha256:${hex}`;

/** The `provenance` gate: SLSA provenance about this digest, from a trusted builder, vouched for when asked. */
export function provenanceGate(requirement: ProvenanceRequirement, signedBy: readonly string[] | undefined, supply: SupplyFacts | undefined): GateResult {
  if (!supply) return notGathered("provenance");
  const p = supply.provenance;
  const digest = shortDigest(`sha256:${supply.digest}`);
  if (!p) return refuse("provenance", `${digest} has no provenance`, `build it with slipway pipeline run, or attach the CI's SLSA provenance: slipway artifact attach ${formatHex(supply.digest)} --provenance FILE`);
  const source = [p.repository, p.commit ? `@${p.commit.slice(0, 12)}` : ""].join("");
  const facts = `SLSA v1 provenance by ${p.builderId}${p.invocationId ? ` (run ${p.invocationId})` : ""}${source ? ` from ${source}` : ""}`;
  if (requirement !== true && !requirement.builders.includes(p.builderId)) {
    return refuse("provenance", `${facts}; that builder is not trusted here (trusted: ${requirement.builders.join(", ")})`, "build it on a trusted builder, or add this builder to requires.provenance.builders if it is one");
  }
  if (requirement !== true && requirement.signed) {
    const trusted = signedBy && signedBy.length > 0 ? p.signedBy.filter((k) => signedBy.includes(k)) : p.signedBy;
    if (trusted.length === 0) {
      const by = p.signedBy.length > 0 ? `vouched for only by ${p.signedBy.join(", ")}` : "not vouched for by any registered key";
      return refuse("provenance", `${facts}, ${by}`, `sign the release (slipway artifact sign DIGEST --key FILE) with ${signedBy?.join(", ") ?? "a registered key"} after attaching the provenance`);
    }
    return pass("provenance", `${facts}, vouched for by ${trusted.join(", ")}`);
  }
  return pass("provenance", facts);
}

/** The `sbom: true` gate. */
export function sbomGate(supply: SupplyFacts | undefined): GateResult {
  if (!supply) return notGathered("sbom");
  const s = supply.sbom;
  if (!s) return refuse("sbom", `${shortDigest(`sha256:${supply.digest}`)} has no SBOM`, `attach one: slipway sbom DIR > bom.json && slipway artifact attach ${formatHex(supply.digest)} --sbom bom.json (slipway pipeline run does this)`);
  const format = s.format === "cyclonedx" ? `CycloneDX ${s.specVersion}` : s.specVersion;
  return pass("sbom", `${format} SBOM with ${s.components} components (document ${shortDigest(`sha256:${s.docDigest}`)})`);
}

/** Severity rank above which a finding blocks, per max_severity. */
const LIMIT: Record<ScanThreshold, number> = { none: severityRank("info"), low: severityRank("low"), medium: severityRank("medium"), high: severityRank("high"), critical: severityRank("critical") };
const MAX_NAMED = 10;

/** The `max_severity` gate: no finding worse than the threshold in the latest report of any scanner. */
export function vulnerabilitiesGate(max: ScanThreshold, supply: SupplyFacts | undefined): GateResult {
  if (!supply) return notGathered("vulnerabilities");
  if (supply.scans.length === 0) {
    return refuse("vulnerabilities", `${shortDigest(`sha256:${supply.digest}`)} has no vulnerability report; max_severity ${max} needs one`, `scan it and attach the report: slipway artifact attach ${formatHex(supply.digest)} --scan report.json (SARIF, Grype or Trivy JSON)`);
  }
  const blocking = supply.scans.flatMap((scan) => scan.findings.filter((f) => severityRank(f.severity) > LIMIT[max]).map((f) => ({ ...f, tool: scan.tool })));
  const count = supply.scans.reduce((n, scan) => n + blockingCount(scan, max), 0);
  const seen = supply.scans.map((scan) => `${scan.tool}: ${countsOf(scan)}`).join("; ");
  if (count === 0) return pass("vulnerabilities", `no finding above ${max} (${seen})`);
  const named = blocking.slice(0, MAX_NAMED).map((f) => `${f.id} (${f.severity}${f.where ? ` in ${f.where}` : ""})`);
  const more = count > named.length ? `, and ${count - named.length} more` : "";
  return refuse("vulnerabilities", `${count} finding${count === 1 ? "" : "s"} above ${max}: ${named.join(", ")}${more}`, `fix or upgrade what the findings name and attach a new report, or raise max_severity if the risk is accepted`);
}

function blockingCount(scan: ScanFact, max: ScanThreshold): number {
  return (["low", "medium", "high", "critical"] as const).filter((s) => severityRank(s) > LIMIT[max]).reduce((n, s) => n + scan.counts[s], 0);
}

function countsOf(scan: ScanFact): string {
  const parts = (["critical", "high", "medium", "low"] as const).map((s) => `${scan.counts[s]} ${s}`);
  return parts.join(", ");
}
