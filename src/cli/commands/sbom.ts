import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { generateNodeSbom } from "../../supply/index.js";
import type { CliContext } from "../context.js";
import { slipwayVersion } from "../version.js";

/** `slipway sbom DIR`: a CycloneDX 1.6 SBOM of a Node project, from its package-lock.json (offline). */
export function registerSbomCommand(program: Command, ctx: CliContext): void {
  program
    .command("sbom")
    .description("print a CycloneDX 1.6 SBOM (JSON) of a Node project, built from its package-lock.json (offline)")
    .argument("[dir]", "the project directory", ".")
    .option("--dev", "include devDependencies (scope: excluded)")
    .option("--output <file>", "write it to a file instead of stdout")
    .action(async (dir: string, opts: { dev?: boolean; output?: string }) => {
      const text = await generateNodeSbom(resolve(dir), { includeDev: opts.dev, tool: { name: "slipway", version: await slipwayVersion() } });
      if (opts.output) await writeFile(opts.output, text);
      else ctx.out.write(text);
    });
}
