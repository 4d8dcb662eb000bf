import type { Command } from "commander";
import type { AuditVerifyResult } from "../../audit/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { printJson } from "../output.js";

/** `slipway audit verify`: walks the hash chain on the server and names the first bad event. */
export function registerAuditCommands(program: Command, ctx: CliContext): void {
  const audit = program.command("audit").description("the tamper-evident audit log");
  audit
    .command("verify")
    .description("check every event's hash and link; exit 1 and name the first bad event if any")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const result = await apiRequest<AuditVerifyResult>(ctx.target(), "GET", "/audit/verify");
      if (opts.json) printJson(result);
      else if (result.ok) ctx.out.write(`audit chain ok: ${result.checked} events verified\n`);
      else {
        const bad = result.firstBad!;
        ctx.out.write(`audit chain BROKEN at event ${bad.seq}${bad.action ? ` (${bad.action}, id ${bad.id})` : ""}: ${bad.reason}\n${result.checked} events checked before it\n`);
      }
      if (!result.ok) ctx.setExitCode(1);
    });
}
