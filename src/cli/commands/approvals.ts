import type { Command } from "commander";
import type { ApprovalOutcome } from "../../engine/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson } from "../output.js";

/** `slipway approve ID [--comment]` and `slipway reject ID --comment`. */
export function registerApprovalCommands(program: Command, ctx: CliContext): void {
  program
    .command("approve")
    .description("approve a deployment that waits for approval")
    .argument("<id>", "deployment id")
    .option("--comment <text>", "for the record")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { comment?: string; json?: boolean }) => {
      const outcome = await apiRequest<ApprovalOutcome>(ctx.target(), "POST", `/deployments/${encodeURIComponent(id)}/approve`, { comment: opts.comment });
      if (opts.json) return printJson(outcome);
      ctx.out.write(`${outcome.recorded ? "approved" : "unchanged"}: ${outcome.note}\n`);
    });

  program
    .command("reject")
    .description("reject a deployment that waits for approval (it will not run)")
    .argument("<id>", "deployment id")
    .requiredOption("--comment <text>", "why: a rejection needs a reason")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { comment: string; json?: boolean }) => {
      const outcome = await apiRequest<ApprovalOutcome>(ctx.target(), "POST", `/deployments/${encodeURIComponent(id)}/reject`, { comment: opts.comment });
      if (opts.json) return printJson(outcome);
      ctx.out.write(`${outcome.recorded ? "rejected" : "unchanged"}: ${outcome.note}\n`);
    });
}
