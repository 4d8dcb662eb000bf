#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { exitCodeOf, isSlipwayError } from "../core/index.js";
import { registerApprovalCommands } from "./commands/approvals.js";
import { registerArtifactCommands } from "./commands/artifact.js";
import { registerArtifactSupplyCommands } from "./commands/artifact-supply.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerChangesCommand } from "./commands/changes.js";
import { registerConfigCommands } from "./commands/config.js";
import { registerIncidentCommands } from "./commands/incident.js";
import { registerInitCommand } from "./commands/init.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerNotifyCommands } from "./commands/notify.js";
import { registerMetricsCommand } from "./commands/metrics.js";
import { registerPipelineCommands } from "./commands/pipeline.js";
import { registerSbomCommand } from "./commands/sbom.js";
import { registerDeployCommands } from "./commands/deploy.js";
import { registerServerCommand } from "./commands/server.js";
import { registerShowCommands } from "./commands/show.js";
import { registerTokenCommands } from "./commands/token.js";
import { registerTraceCommand } from "./commands/trace.js";
import { registerWebhookCommands } from "./commands/webhook.js";
import { registerTriageCommand } from "./commands/triage.js";
import type { CliContext } from "./context.js";
import { resolveTarget, type GlobalOptions } from "./target.js";

/** Builds the `slipway` command. Commands are plain functions; errors all reach the one catch in main(). */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("slipway")
    .description("Slipway: deploy, verify and roll back, on the record")
    .option("--server <url>", "control plane URL (default: SLIPWAY_SERVER or http://127.0.0.1:7070)")
    .option("--token <token>", "API token (default: SLIPWAY_TOKEN, else .slipway/admin-token here or in the nearest parent that has one)")
    .showHelpAfterError()
    .exitOverride();
  registerServerCommand(program, ctx);
  registerInitCommand(program, ctx);
  registerConfigCommands(program, ctx);
  registerArtifactSupplyCommands(registerArtifactCommands(program, ctx), ctx);
  registerKeyCommands(program, ctx);
  registerSbomCommand(program, ctx);
  registerPipelineCommands(program, ctx);
  registerTraceCommand(program, ctx);
  registerWebhookCommands(program, ctx);
  registerDeployCommands(program, ctx);
  registerApprovalCommands(program, ctx);
  registerShowCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerTokenCommands(program, ctx);
  registerNotifyCommands(program, ctx);
  registerChangesCommand(program, ctx);
  registerMetricsCommand(program, ctx);
  registerIncidentCommands(program, ctx);
  registerTriageCommand(program, { resolveTarget: () => ctx.target() });
  return program;
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const ctx: CliContext = {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    // Called only while a command runs, after `program` exists.
    target: () => resolveTarget(program.opts<GlobalOptions>(), process.env),
    setExitCode: (code) => (exitCode = code),
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // help/version, or bad usage (already printed)
    if (isSlipwayError(err)) {
      process.stderr.write(`error: ${err.message}\n`);
      printDetails(err.details);
      if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
      return exitCodeOf(err);
    }
    process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

function printDetails(details: unknown): void {
  if (!Array.isArray(details)) return;
  for (const d of details as { file?: string; line?: number; column?: number; path?: string; message?: string }[]) {
    if (d.file && d.line) process.stderr.write(`  ${d.file}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ""}${d.message}\n`);
    else if (d.message) process.stderr.write(`  ${d.path ? `${d.path}: ` : ""}${d.message}\n`);
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`error: ${String(err)}\n`);
    process.exit(1);
  },
);
