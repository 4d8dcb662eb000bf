import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { z } from "zod";
import { badInput } from "../core/index.js";

/**
 * Uploaded SBOMs: CycloneDX JSON (1.2–1.7), validated against the specification's own JSON
 * schema by the CycloneDX library, or SPDX 2.2/2.3 JSON, checked for the document fields the
 * SPDX specification requires. Anything else is refused.
 */

export type SbomFormat = "cyclonedx" | "spdx";

export interface SbomSummary {
  format: SbomFormat;
  specVersion: string;
  /** Components (CycloneDX, nested ones included) or packages (SPDX). */
  components: number;
  /** The described thing: metadata.component (CycloneDX) or the document name (SPDX). */
  name: string | null;
}

const CYCLONEDX_VERSIONS: Record<string, Spec.Version> = {
  "1.2": Spec.Version.v1dot2,
  "1.3": Spec.Version.v1dot3,
  "1.4": Spec.Version.v1dot4,
  "1.5": Spec.Version.v1dot5,
  "1.6": Spec.Version.v1dot6,
  "1.7": Spec.Version.v1dot7,
};

const spdxDocument = z.object({
  spdxVersion: z.enum(["SPDX-2.2", "SPDX-2.3"], { error: "expected spdxVersion SPDX-2.2 or SPDX-2.3" }),
  SPDXID: z.literal("SPDXRef-DOCUMENT", { error: "expected SPDXID SPDXRef-DOCUMENT" }),
  dataLicense: z.literal("CC0-1.0", { error: "expected dataLicense CC0-1.0" }),
  name: z.string().min(1),
  documentNamespace: z.string().min(1),
  creationInfo: z.object({ created: z.string().min(1), creators: z.array(z.string()).min(1) }),
  packages: z
    .array(z.object({ SPDXID: z.string().regex(/^SPDXRef-[A-Za-z0-9.-]+$/, "expected SPDXRef-…"), name: z.string().min(1), downloadLocation: z.string().min(1) }))
    .default([]),
});

/** Validates an SBOM document (JSON text) and summarizes it; anything invalid is bad_input. */
export async function validateSbom(text: string, label: string): Promise<SbomSummary> {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw badInput(`${label} is not JSON: ${(err as Error).message}`, { hint: "give a CycloneDX JSON or SPDX 2.3 JSON document" });
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw badInput(`${label} is not a JSON object`, { hint: "give a CycloneDX JSON or SPDX 2.3 JSON document" });
  if (doc.bomFormat === "CycloneDX") return validateCycloneDx(text, doc, label);
  if (typeof doc.spdxVersion === "string") return validateSpdx(doc, label);
  throw badInput(`${label} is neither CycloneDX (bomFormat) nor SPDX (spdxVersion)`, { hint: "give a CycloneDX JSON (slipway sbom DIR writes one) or an SPDX 2.3 JSON document" });
}

async function validateCycloneDx(text: string, doc: Record<string, unknown>, label: string): Promise<SbomSummary> {
  const specVersion = String(doc.specVersion);
  const version = CYCLONEDX_VERSIONS[specVersion];
  if (!version) throw badInput(`${label} is CycloneDX specVersion ${specVersion}, which is not supported`, { hint: `use one of ${Object.keys(CYCLONEDX_VERSIONS).join(", ")}` });
  const errors: unknown = await new Validation.JsonStrictValidator(version).validate(text);
  if (errors !== null) {
    const list = (Array.isArray(errors) ? errors : [errors]) as { instancePath?: string; message?: string }[];
    const shown = list.slice(0, 5).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
    throw badInput(`${label} is not valid CycloneDX ${specVersion}: ${shown.join("; ")}${list.length > 5 ? ` (and ${list.length - 5} more)` : ""}`, {
      hint: "check it against the CycloneDX schema, or generate one with slipway sbom DIR",
    });
  }
  const metadata = doc.metadata as { component?: { name?: string } } | undefined;
  return { format: "cyclonedx", specVersion, components: countComponents(doc.components), name: metadata?.component?.name ?? null };
}

function countComponents(list: unknown): number {
  if (!Array.isArray(list)) return 0;
  return list.reduce<number>((n, c) => n + 1 + countComponents((c as { components?: unknown }).components), 0);
}

function validateSpdx(doc: Record<string, unknown>, label: string): SbomSummary {
  const parsed = spdxDocument.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "/"}: ${i.message}`);
    throw badInput(`${label} is not a valid SPDX document: ${problems.join("; ")}`, { hint: "SPDX 2.3 JSON needs spdxVersion, SPDXID, dataLicense, name, documentNamespace, creationInfo and packages" });
  }
  return { format: "spdx", specVersion: parsed.data.spdxVersion, components: parsed.data.packages.length, name: parsed.data.name };
}
