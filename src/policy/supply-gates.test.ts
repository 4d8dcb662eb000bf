import assert from "node:assert/strict";
import { test } from "node:test";
import { parseServiceConfig, type EnvironmentConfig } from "../core/config/index.js";
import type { ScanFact, SignatureFact, SupplyFacts } from "../supply/index.js";
import { evaluateGates, formatGate, type GateInput, type GateName, type GateReport } from "./index.js";

const HEX = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
const NOW = Date.parse("2026-06-05T08:12Z");

function prod(requires: string): EnvironmentConfig {
  const text = ["service: checkout-api", "owner: team-payments", "run: { command: node server.js }", "environments:", "  prod:", `    requires: ${requires}`].join("\n");
  const result = parseServiceConfig(text, "slipway.yaml");
  assert.deepEqual(result.errors, []);
  return result.config!.environments.prod!;
}

function input(environment: EnvironmentConfig, supply: Partial<SupplyFacts> | undefined): GateInput {
  return {
    now: NOW,
    environment,
    deployment: { service: "checkout-api", environment: "prod", version: "1.4.0", digest: HEX, actor: "alice", author: null, createdAt: NOW },
    sourceHistory: null,
    approvals: [],
    approverRoles: {},
    override: null,
    ...(supply ? { supply: { digest: HEX, signatures: [], provenance: null, sbom: null, scans: [], ...supply } } : {}),
  };
}

function only(report: GateReport, gate: GateName): string {
  const found = report.gates.filter((g) => g.gate === gate);
  assert.equal(found.length, 1);
  return formatGate(found[0]!);
}

const sig = (key: string | null, status: SignatureFact["status"], detail: string): SignatureFact => ({ key, keyId: "k", status, verified: status === "verified", detail, predicateType: "https://slipway.dev/attestation/release/v1", attachmentId: "a1" });

test("signed_by names the key expected and the key found", () => {
  const env = prod("{ signed_by: [release-key] }");
  const unsigned = evaluateGates(input(env, {}));
  assert.equal(unsigned.verdict, "refuse");
  assert.match(only(unsigned, "signatures"), /sha256:ab12cd34ef56… is unsigned; expected a signature by release-key; sign it: slipway artifact sign sha256:ab12/);

  const other = evaluateGates(input(env, { signatures: [sig("ci-key", "verified", "signed by ci-key (SHA256:1234)")] }));
  assert.match(only(other, "signatures"), /expected a signature by release-key; found: signed by ci-key \(SHA256:1234\) \(verified\)/);

  const revoked = evaluateGates(input(env, { signatures: [sig("release-key", "revoked", "signed by release-key (SHA256:99), revoked at 2026-06-01T00:00:00.000Z by admin (leaked)")] }));
  assert.equal(revoked.verdict, "refuse");
  assert.match(only(revoked, "signatures"), /found: signed by release-key \(SHA256:99\), revoked at .* \(leaked\); release-key is revoked: sign with a current key/);

  const elsewhere = evaluateGates(input(env, { signatures: [sig("release-key", "subject_mismatch", "signed by release-key (SHA256:99), but over sha256:ffff, not this artifact")] }));
  assert.match(only(elsewhere, "signatures"), /expected a signature by release-key; found: signed by release-key \(SHA256:99\), but over sha256:ffff, not this artifact/);

  const good = evaluateGates(input(env, { signatures: [sig("release-key", "verified", "signed by release-key (SHA256:99)")] }));
  assert.equal(good.verdict, "pass");
  assert.match(only(good, "signatures"), /signed by release-key \(SHA256:99\) \(verified\)/);
});

test("every supply gate refuses when the facts were not gathered (fail closed)", () => {
  const report = evaluateGates(input(prod("{ signed_by: [k], provenance: true, sbom: true, max_severity: high }"), undefined));
  assert.equal(report.verdict, "refuse");
  assert.deepEqual(report.gates.map((g) => g.gate), ["signatures", "provenance", "sbom", "vulnerabilities"]);
  assert.ok(report.gates.every((g) => /were not gathered/.test(g.facts)));
});

const provenance = { buildType: "b", builderId: "https://slipway.dev/runner/ci-1", invocationId: "run-7", startedOn: null, finishedOn: null, repository: "https://git.example/app", ref: "main", commit: "0123456789abcdef", dependencies: 2, attachmentId: "p", docDigest: "d".repeat(64), uploadedBy: "ci", uploadedAt: NOW, format: "in-toto" as const, signedBy: [] as string[] };

test("provenance: required, from a trusted builder, vouched for by a signed_by key when asked", () => {
  assert.match(only(evaluateGates(input(prod("{ provenance: true }"), {})), "provenance"), /has no provenance; build it with slipway pipeline run/);
  assert.match(only(evaluateGates(input(prod("{ provenance: true }"), { provenance })), "provenance"), /^provenance: SLSA v1 provenance by https:\/\/slipway.dev\/runner\/ci-1 \(run run-7\) from https:\/\/git.example\/app@0123456789ab$/);
  const untrusted = evaluateGates(input(prod("{ provenance: { builders: [https://github.com/actions/runner] } }"), { provenance }));
  assert.match(only(untrusted, "provenance"), /that builder is not trusted here \(trusted: https:\/\/github.com\/actions\/runner\)/);
  const env = prod("{ signed_by: [release-key], provenance: { builders: [https://slipway.dev/runner/ci-1], signed: true } }");
  assert.match(only(evaluateGates(input(env, { provenance: { ...provenance, signedBy: ["ci-key"] } })), "provenance"), /vouched for only by ci-key/);
  assert.equal(evaluateGates(input(env, { provenance: { ...provenance, signedBy: ["release-key"] }, signatures: [sig("release-key", "verified", "signed by release-key")] })).verdict, "pass");
});

test("sbom: true refuses an artifact without one and describes the one it has", () => {
  assert.match(only(evaluateGates(input(prod("{ sbom: true }"), {})), "sbom"), /has no SBOM; attach one: slipway sbom DIR/);
  const sbom = { format: "cyclonedx" as const, specVersion: "1.6", components: 127, name: "app", attachmentId: "s", docDigest: "e".repeat(64), uploadedBy: "ci", uploadedAt: NOW, signedBy: [] };
  assert.equal(only(evaluateGates(input(prod("{ sbom: true }"), { sbom })), "sbom"), "sbom: CycloneDX 1.6 SBOM with 127 components (document sha256:eeeeeeeeeeee…)");
});

const scan = (findings: ScanFact["findings"]): ScanFact => {
  const counts = { unknown: 0, info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity]++;
  return { format: "grype", tool: "grype", counts, findings, attachmentId: "g", docDigest: "f".repeat(64), uploadedBy: "ci", uploadedAt: NOW };
};

test("max_severity names the findings that block, and needs a report", () => {
  const env = prod("{ max_severity: high }");
  assert.match(only(evaluateGates(input(env, {})), "vulnerabilities"), /has no vulnerability report; max_severity high needs one/);
  const findings = scan([
    { id: "CVE-2026-0001", severity: "critical", where: "lodash@4.17.20", title: null },
    { id: "CVE-2026-0002", severity: "high", where: "minimist@1.2.0", title: null },
    { id: "GHSA-xxxx", severity: "unknown", where: "left-pad@1.0.0", title: null },
  ]);
  const report = evaluateGates(input(env, { scans: [findings] }));
  assert.equal(report.verdict, "refuse");
  assert.match(only(report, "vulnerabilities"), /^vulnerabilities: 1 finding above high: CVE-2026-0001 \(critical in lodash@4\.17\.20\); fix or upgrade/);
  assert.equal(evaluateGates(input(prod("{ max_severity: critical }"), { scans: [findings] })).verdict, "pass");
  assert.match(only(evaluateGates(input(prod("{ max_severity: medium }"), { scans: [findings] })), "vulnerabilities"), /2 findings above medium: CVE-2026-0001 \(critical in lodash@4\.17\.20\), CVE-2026-0002 \(high in minimist@1\.2\.0\)/);
});
