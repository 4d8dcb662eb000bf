import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Contrib, Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import { PackageURL } from "packageurl-js";
import spdxExpressionParse from "spdx-expression-parse";
import { badInput } from "../core/index.js";

/**
 * CycloneDX 1.6 SBOMs for Node projects, built from package-lock.json (lockfileVersion 2 or 3)
 * with the CycloneDX library's models and serializer. Dev dependencies are left out unless
 * asked for: the SBOM describes what ships in the artifact.
 */

interface LockPackage {
  name?: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface SbomOptions {
  /** Include devDependencies (scope "excluded"); default false. */
  includeDev?: boolean;
  /** The tool named in metadata.tools. */
  tool?: { name: string; version: string };
  /** BOM timestamp; default now. */
  timestamp?: Date;
}

/** Reads DIR/package-lock.json (and DIR/package.json) and returns the CycloneDX 1.6 JSON text. */
export async function generateNodeSbom(dir: string, options: SbomOptions = {}): Promise<string> {
  const lockFile = join(dir, "package-lock.json");
  const text = await readFile(lockFile, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") throw badInput(`${lockFile} does not exist`, { hint: "run npm install (npm 7 or later) to write package-lock.json, or upload an SBOM with --sbom FILE" });
    throw err;
  });
  let lock: { name?: string; version?: string; lockfileVersion?: number; packages?: Record<string, LockPackage> };
  try {
    lock = JSON.parse(text) as typeof lock;
  } catch (err) {
    throw badInput(`${lockFile} is not JSON: ${(err as Error).message}`, { hint: "restore it with npm install --package-lock-only" });
  }
  if (!lock.packages || typeof lock.packages !== "object") {
    throw badInput(`${lockFile} has lockfileVersion ${lock.lockfileVersion ?? "unknown"}, which lists no "packages"`, { hint: "upgrade it with npm 7 or later: npm install --package-lock-only" });
  }
  return serialize(buildBom(lock.packages, options));
}

function buildBom(packages: Record<string, LockPackage>, options: SbomOptions): Models.Bom {
  const root = packages[""] ?? {};
  const licenses = new Contrib.License.Factories.LicenseFactory(spdxExpressionParse as (data: string) => void);
  const bom = new Models.Bom();
  bom.serialNumber = Contrib.Bom.Utils.randomSerialNumber();
  bom.metadata.timestamp = options.timestamp ?? new Date();
  if (options.tool) bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, options.tool.name, { version: options.tool.version }));
  const rootComponent = new Models.Component(Enums.ComponentType.Application, root.name ?? "unnamed", { version: root.version, bomRef: "root" });
  bom.metadata.component = rootComponent;

  // One component per name@version, however often npm installed it.
  const byPath = new Map<string, Models.Component>();
  const byRef = new Map<string, Models.Component>();
  for (const [path, pkg] of Object.entries(packages)) {
    if (path === "" || pkg.link || !pkg.version) continue;
    if (pkg.dev && !options.includeDev) continue;
    const name = pkg.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const purl = purlOf(name, pkg.version);
    let component = byRef.get(purl);
    if (!component) {
      component = componentOf(name, pkg, purl, licenses);
      byRef.set(purl, component);
      bom.components.add(component);
    }
    byPath.set(path, component);
  }
  linkDependencies(packages, byPath, rootComponent);
  return bom;
}

function componentOf(name: string, pkg: LockPackage, purl: string, licenses: Contrib.License.Factories.LicenseFactory): Models.Component {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  const component = new Models.Component(Enums.ComponentType.Library, slash > 0 ? name.slice(slash + 1) : name, {
    group: slash > 0 ? name.slice(0, slash) : undefined,
    version: pkg.version,
    purl,
    bomRef: purl,
    scope: pkg.dev ? Enums.ComponentScope.Excluded : pkg.optional ? Enums.ComponentScope.Optional : Enums.ComponentScope.Required,
  });
  if (pkg.integrity) {
    try {
      const [algorithm, hex] = Contrib.FromNodePackageJson.Utils.parsePackageIntegrity(pkg.integrity);
      component.hashes.set(algorithm, hex);
    } catch {
      // An integrity string in a form the library does not know is simply not recorded as a hash.
    }
  }
  if (pkg.resolved && /^https?:/.test(pkg.resolved)) component.externalReferences.add(new Models.ExternalReference(pkg.resolved, Enums.ExternalReferenceType.Distribution));
  if (pkg.license) component.licenses.add(licenses.makeFromString(pkg.license));
  return component;
}

/** Resolves each package's dependencies the way Node does: nearest node_modules upwards. */
function linkDependencies(packages: Record<string, LockPackage>, byPath: Map<string, Models.Component>, root: Models.Component): void {
  for (const [path, pkg] of Object.entries(packages)) {
    const from = path === "" ? root : byPath.get(path);
    if (!from) continue;
    const names = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies, ...(path === "" ? pkg.devDependencies : {}) });
    for (const name of names) {
      const target = resolveFrom(path, name, byPath);
      if (target && target !== from) from.dependencies.add(target.bomRef);
    }
  }
}

function resolveFrom(path: string, name: string, byPath: Map<string, Models.Component>): Models.Component | undefined {
  let base = path;
  for (;;) {
    const found = byPath.get(base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`);
    if (found) return found;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

function purlOf(name: string, version: string): string {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  return new PackageURL("npm", slash > 0 ? name.slice(0, slash) : undefined, slash > 0 ? name.slice(slash + 1) : name, version, undefined, undefined).toString();
}

function serialize(bom: Models.Bom): string {
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + "\n";
}
