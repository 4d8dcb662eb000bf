import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { buildProvenance, checkProvenance, generateNodeSbom, parseScanReport, sameCommit, validateSbom } from "./index.js";

const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const HEX = "acf536e08d824f81ee57a850cf65731a9e784d260dfc1a7be7d0ccdbb04c24a6";
const refuses = (p: Promise<unknown> | (() => unknown), message: RegExp) =>
  typeof p === "function"
    ? assert.throws(p, (err: Error & { code?: string }) => err.code === "bad_input" && message.test(err.message))
    : assert.rejects(p, (err: Error & { code?: string }) => err.code === "bad_input" && message.test(err.message));

describe("SBOM", () => {
  test("this project's own lock file: valid CycloneDX 1.6 listing its real runtime dependencies", async () => {
    const text = await generateNodeSbom(ROOT, { tool: { name: "slipway", version: "test" } });
    assert.equal(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text), null);
    const bom = JSON.parse(text) as { specVersion: string; metadata: { component: { name: string } }; components: { name: string; group?: string; version: string; purl: string }[]; dependencies: { ref: string; dependsOn?: string[] }[] };
    assert.equal(bom.specVersion, "1.6");
    assert.equal(bom.metadata.component.name, "slipway");
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string; dev?: boolean }> };
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const names = new Set(bom.components.map((c) => (c.group ? `${c.group}/${c.name}` : c.name)));
    for (const dep of Object.keys(pkg.dependencies)) {
      assert.ok(names.has(dep), `${dep} is in the SBOM`);
      const component = bom.components.find((c) => (c.group ? `${c.group}/${c.name}` : c.name) === dep)!;
      assert.equal(component.version, lock.packages[`node_modules/${dep}`]!.version);
    }
    // Dev-only packages are not shipped, so not listed; transitive runtime ones are.
    assert.ok(!names.has("typescript") && !names.has("eslint"));
    assert.ok(names.has("avvio"), "fastify's own dependency avvio is listed");
    const root = bom.dependencies.find((d) => d.ref === "root")!;
    assert.ok(root.dependsOn!.some((r) => r.startsWith("pkg:npm/fastify@")));
    assert.deepEqual(await validateSbom(text, "bom.json"), { format: "cyclonedx", specVersion: "1.6", components: bom.components.length, name: "slipway" });
  });

  test("uploads: invalid CycloneDX and SPDX are refused, naming what is wrong", async () => {
    await refuses(validateSbom("{", "bom.json"), /^bom\.json is not JSON/);
    await refuses(validateSbom('{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x"}]}', "bom.json"), /is not valid CycloneDX 1\.6: \/components\/0: must have required property 'type'/);
    await refuses(validateSbom('{"bomFormat":"CycloneDX","specVersion":"9.9"}', "bom.json"), /specVersion 9\.9, which is not supported/);
    await refuses(validateSbom('{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}', "sbom.spdx.json"), /is not a valid SPDX document: dataLicense/);
    await refuses(validateSbom('{"hello":1}', "x.json"), /neither CycloneDX \(bomFormat\) nor SPDX \(spdxVersion\)/);
    const spdx = { spdxVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", dataLicense: "CC0-1.0", name: "app", documentNamespace: "https://example.com/app-1", creationInfo: { created: "2026-01-01T00:00:00Z", creators: ["Tool: syft"] }, packages: [{ SPDXID: "SPDXRef-Package-x", name: "x", downloadLocation: "NOASSERTION" }] };
    assert.deepEqual(await validateSbom(JSON.stringify(spdx), "sbom.spdx.json"), { format: "spdx", specVersion: "SPDX-2.3", components: 1, name: "app" });
  });
});

describe("scan reports", () => {
  test("Grype, Trivy and SARIF reports become one list of findings, worst first", () => {
    const grype = parseScanReport(JSON.stringify({ matches: [{ vulnerability: { id: "CVE-1", severity: "High" }, artifact: { name: "lodash", version: "4.17.20" } }, { vulnerability: { id: "CVE-2", severity: "Negligible" }, artifact: { name: "a" } }], descriptor: { name: "grype" } }), "g.json");
    assert.deepEqual([grype.format, grype.counts.high, grype.counts.info, grype.findings[0]], ["grype", 1, 1, { id: "CVE-1", severity: "high", where: "lodash@4.17.20", title: null }]);
    const trivy = parseScanReport(JSON.stringify({ SchemaVersion: 2, Results: [{ Target: "package-lock.json", Vulnerabilities: [{ VulnerabilityID: "CVE-3", PkgName: "minimist", InstalledVersion: "1.2.0", Severity: "CRITICAL", Title: "prototype pollution" }] }, { Target: "x", Vulnerabilities: null }] }), "t.json");
    assert.deepEqual(trivy.findings, [{ id: "CVE-3", severity: "critical", where: "minimist@1.2.0", title: "prototype pollution" }]);
    const sarif = parseScanReport(JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver: { name: "CodeQL", rules: [{ id: "js/sql", properties: { "security-severity": "9.1" } }] } }, results: [{ ruleId: "js/sql", message: { text: "SQL built from input" }, locations: [{ physicalLocation: { artifactLocation: { uri: "src/db.js" } } }] }, { ruleId: "other", level: "note" }] }] }), "s.sarif");
    assert.deepEqual(sarif.findings.map((f) => [f.id, f.severity, f.where]), [["js/sql", "critical", "src/db.js"], ["other", "low", null]]);
    assert.equal(sarif.tool, "CodeQL");
  });

  test("anything else is refused", () => {
    refuses(() => parseScanReport("[]", "r.json"), /is not a report this reads/);
    refuses(() => parseScanReport('{"matches":[{"vulnerability":{}}]}', "r.json"), /is not a valid Grype JSON report/);
    refuses(() => parseScanReport('{"version":"2.0.0","runs":[]}', "r.sarif"), /is not a valid SARIF 2\.1\.0 report/);
  });
});

describe("provenance", () => {
  const facts = { digest: HEX, subjectName: "app-1.0.0.tgz", builderId: "https://slipway.dev/runner/ci-1", builderVersion: { slipway: "0.1.0" }, invocationId: "run-1", startedOn: 0, finishedOn: 1000, repository: "https://git.example/app", ref: "refs/heads/main", commit: "0123456789abcdef0123456789abcdef01234567", service: "app", version: "1.0.0", configFile: "slipway.yaml", stages: [{ name: "test", run: "npm test" }], dependencies: [{ uri: "file:package-lock.json", sha256: "f".repeat(64) }] };

  test("generated SLSA v1 provenance checks against its digest and reads back", () => {
    const { summary } = checkProvenance(buildProvenance(facts), HEX, "p");
    assert.deepEqual(summary, { buildType: "https://slipway.dev/pipeline-run/v1", builderId: facts.builderId, invocationId: "run-1", startedOn: "1970-01-01T00:00:00.000Z", finishedOn: "1970-01-01T00:00:01.000Z", repository: facts.repository, ref: facts.ref, commit: facts.commit, dependencies: 2 });
  });

  test("provenance about other bytes, of another type, or missing fields is refused", () => {
    refuses(() => checkProvenance(buildProvenance({ ...facts, digest: "0".repeat(64) }), HEX, "the provenance"), /the provenance is about sha256:0{64}, not this artifact sha256:acf536/);
    refuses(() => checkProvenance({ ...buildProvenance(facts), predicateType: "https://slsa.dev/provenance/v0.2" }, HEX, "p"), /has predicateType https:\/\/slsa.dev\/provenance\/v0.2, not SLSA Provenance v1/);
    refuses(() => checkProvenance({ ...buildProvenance(facts), predicate: { runDetails: {} } }, HEX, "p"), /is not valid SLSA Provenance v1: predicate\.buildDefinition/);
  });

  test("commits match when one abbreviates the other", () => {
    assert.ok(sameCommit("0123456789ab", facts.commit));
    assert.ok(!sameCommit("0123456", "1234567"));
    assert.ok(!sameCommit("0123", "0123456"));
  });
});
