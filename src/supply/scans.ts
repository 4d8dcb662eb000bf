import { z } from "zod";
import { badInput } from "../core/index.js";

/**
 * Vulnerability reports attached to an artifact: SARIF 2.1.0 (any scanner), Grype JSON and
 * Trivy JSON, read into one list of findings with a severity each.
 */

export const SEVERITIES = ["unknown", "info", "low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];
export type ScanFormat = "sarif" | "grype" | "trivy";

export interface Finding {
  id: string;
  severity: Severity;
  /** The affected package (name@version) or file, when the report says. */
  where: string | null;
  title: string | null;
}

export interface ScanSummary {
  format: ScanFormat;
  tool: string;
  counts: Record<Severity, number>;
  findings: Finding[];
}

/** Findings kept per report; a report with more is summarized by its counts beyond this. */
const MAX_FINDINGS = 10_000;

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

const sarif = z.object({
  version: z.literal("2.1.0"),
  runs: z.array(
    z.object({
      tool: z.object({ driver: z.object({ name: z.string(), rules: z.array(z.object({ id: z.string(), shortDescription: z.object({ text: z.string() }).optional(), properties: z.record(z.string(), z.unknown()).optional(), defaultConfiguration: z.object({ level: z.string().optional() }).optional() })).optional() }) }),
      results: z
        .array(
          z.object({
            ruleId: z.string().optional(),
            level: z.string().optional(),
            message: z.object({ text: z.string().optional() }).optional(),
            locations: z.array(z.object({ physicalLocation: z.object({ artifactLocation: z.object({ uri: z.string().optional() }).optional() }).optional() })).optional(),
            properties: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .default([]),
    }),
  ),
});

const grype = z.object({
  matches: z.array(z.object({ vulnerability: z.object({ id: z.string(), severity: z.string().optional(), description: z.string().optional() }), artifact: z.object({ name: z.string(), version: z.string().optional() }) })),
  descriptor: z.object({ name: z.string().optional(), version: z.string().optional() }).optional(),
});

const trivy = z.object({
  SchemaVersion: z.number().optional(),
  Results: z
    .array(z.object({ Target: z.string().optional(), Vulnerabilities: z.array(z.object({ VulnerabilityID: z.string(), PkgName: z.string().optional(), InstalledVersion: z.string().optional(), Severity: z.string().optional(), Title: z.string().optional() })).nullish() }))
    .default([]),
});

/** Reads a report (JSON text) in whichever of the three formats it is. */
export function parseScanReport(text: string, label: string): ScanSummary {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw badInput(`${label} is not JSON: ${(err as Error).message}`, { hint: "attach a SARIF 2.1.0, Grype JSON (-o json) or Trivy JSON (--format json) report" });
  }
  if (doc && typeof doc === "object" && "runs" in doc) return fromSarif(check(sarif, doc, label, "SARIF 2.1.0"));
  if (doc && typeof doc === "object" && "matches" in doc) return fromGrype(check(grype, doc, label, "Grype JSON"));
  if (doc && typeof doc === "object" && ("Results" in doc || "SchemaVersion" in doc)) return fromTrivy(check(trivy, doc, label, "Trivy JSON"));
  throw badInput(`${label} is not a report this reads (no SARIF runs, Grype matches or Trivy Results)`, { hint: "attach a SARIF 2.1.0, Grype JSON (-o json) or Trivy JSON (--format json) report" });
}

function check<T>(schema: z.ZodType<T>, doc: unknown, label: string, what: string): T {
  const parsed = schema.safeParse(doc);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "/"}: ${i.message}`);
  throw badInput(`${label} is not a valid ${what} report: ${problems.join("; ")}`, { hint: `attach the report exactly as the scanner wrote it` });
}

/** CVSS score → severity, the bands GitHub code scanning uses for `security-severity`. */
function fromScore(score: number): Severity {
  return score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : score > 0 ? "low" : "info";
}

function fromName(name: string | undefined): Severity {
  const s = (name ?? "").toLowerCase();
  if (s === "critical" || s === "high" || s === "medium" || s === "low") return s;
  if (s === "negligible" || s === "info" || s === "informational") return "info";
  return "unknown";
}

function fromSarif(doc: z.output<typeof sarif>): ScanSummary {
  const findings: Finding[] = [];
  for (const run of doc.runs) {
    const rules = new Map((run.tool.driver.rules ?? []).map((r) => [r.id, r]));
    for (const r of run.results) {
      const rule = r.ruleId ? rules.get(r.ruleId) : undefined;
      const score = Number(r.properties?.["security-severity"] ?? rule?.properties?.["security-severity"]);
      const level = r.level ?? rule?.defaultConfiguration?.level ?? "warning";
      const severity = Number.isFinite(score) ? fromScore(score) : level === "error" ? "high" : level === "warning" ? "medium" : level === "note" ? "low" : "info";
      findings.push({ id: r.ruleId ?? "unnamed", severity, where: r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? null, title: rule?.shortDescription?.text ?? r.message?.text ?? null });
    }
  }
  return summary("sarif", doc.runs.map((r) => r.tool.driver.name).join(", ") || "sarif", findings);
}

function fromGrype(doc: z.output<typeof grype>): ScanSummary {
  const findings = doc.matches.map((m) => ({ id: m.vulnerability.id, severity: fromName(m.vulnerability.severity), where: `${m.artifact.name}${m.artifact.version ? `@${m.artifact.version}` : ""}`, title: m.vulnerability.description?.slice(0, 200) ?? null }));
  return summary("grype", doc.descriptor?.name ?? "grype", findings);
}

function fromTrivy(doc: z.output<typeof trivy>): ScanSummary {
  const findings = doc.Results.flatMap((r) =>
    (r.Vulnerabilities ?? []).map((v) => ({ id: v.VulnerabilityID, severity: fromName(v.Severity), where: v.PkgName ? `${v.PkgName}${v.InstalledVersion ? `@${v.InstalledVersion}` : ""}` : (r.Target ?? null), title: v.Title ?? null })),
  );
  return summary("trivy", "trivy", findings);
}

function summary(format: ScanFormat, tool: string, all: Finding[]): ScanSummary {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const f of all) {
    const key = `${f.id} ${f.where ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    counts[f.severity]++;
    findings.push(f);
  }
  // Worst first, so a capped list keeps what blocks.
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  return { format, tool, counts, findings: findings.slice(0, MAX_FINDINGS) };
}
