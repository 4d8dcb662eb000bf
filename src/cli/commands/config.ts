import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { badInput, formatProblems, parseServiceConfig } from "../../core/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson } from "../output.js";

/** `slipway lint [file]` (offline) and `slipway apply [file]` (registers it on the server). */
export function registerConfigCommands(program: Command, ctx: CliContext): void {
  program
    .command("lint")
    .description("check a slipway.yaml: every error at once, with file:line:column")
    .argument("[file]", "the file to check", "slipway.yaml")
    .option("--json", "print the problems as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      const text = await readConfigFile(file);
      const result = parseServiceConfig(text, file);
      if (opts.json) printJson({ ok: result.errors.length === 0, errors: result.errors, warnings: result.warnings });
      else {
        for (const line of formatProblems(result)) ctx.out.write(line + "\n");
        if (result.errors.length === 0) ctx.out.write(`${file}: ok${result.warnings.length ? ` (${result.warnings.length} warning${result.warnings.length === 1 ? "" : "s"})` : ""}\n`);
      }
      if (result.errors.length > 0) ctx.setExitCode(2);
    });

  program
    .command("apply")
    .description("register or update a service from its slipway.yaml")
    .argument("[file]", "the service's slipway.yaml", "slipway.yaml")
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      const text = await readConfigFile(file);
      const result = parseServiceConfig(text, file);
      if (result.errors.length > 0) {
        for (const line of formatProblems(result)) ctx.err.write(line + "\n");
        throw badInput(`${file} has ${result.errors.length} error(s); nothing was applied`, { hint: "fix them and apply again" });
      }
      const applied = await apiRequest<{ service: string; created: boolean }>(ctx.target(), "POST", "/services", { yaml: text, file });
      if (opts.json) return printJson(applied);
      for (const line of formatProblems({ errors: [], warnings: result.warnings })) ctx.out.write(line + "\n");
      ctx.out.write(`${applied.created ? "registered" : "updated"} service ${applied.service}\n`);
    });
}

async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(resolve(file), "utf8");
  } catch (err) {
    throw badInput(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: "name the service's slipway.yaml, or run the command in the directory that has one",
      cause: err,
    });
  }
}
