import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

/** Slipway's own version (package.json), for SBOM tools and provenance builder versions. */
export async function slipwayVersion(): Promise<string> {
  // src/cli and dist/cli are both two levels below the package root.
  const text = await readFile(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
