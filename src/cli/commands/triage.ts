/**
 * `slipway triage [FILE|-]`: offline triage of a failed pipeline log (no server), or with
 * `--record` on the server, which remembers the failure's cluster; and
 * `slipway triage confirm RUN --lines A-B`: records the right lines on the server (few-shot).
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { loadServiceConfigFile } from "../../core/config/index.js";
import { badInput } from "../../core/errors.js";
import { formatTriage, loadRulesFile, parseRanges, triageLog, type RecordedTriage, type RuleSpec } from "../../triage/index.js";
import { apiRequest, type ApiTarget } from "../api-client.js";

/** What the triage command needs from the CLI. */
export interface TriageCommandContext {
  resolveTarget: () => ApiTarget;
  out?: NodeJS.WritableStream;
}

/** Opens a log as a stream: a file, or stdin for `-` / no argument. Never reads it whole. */
function openLog(file: string | undefined, what: string): Readable {
  if (file === undefined || file === "-") return process.stdin;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw badInput(`${what} ${file} does not exist or is not a file`, { hint: "pass a log file path, or - to read the log from stdin" });
  }
  return createReadStream(file);
}

/** How an error names a log: its path, or where it came from. */
function nameOf(file: string | undefined, stdin: string): string {
  return file === undefined || file === "-" ? stdin : file;
}

interface TriageOptions {
  pass?: string;
  rules?: string;
  config?: string;
  service?: string;
  record?: boolean;
  pipeline?: string;
  run?: string;
  json?: boolean;
}

/** The triage.rules of a slipway.yaml: the one named, else ./slipway.yaml when there is one. */
async function configRules(file: string | undefined): Promise<RuleSpec[]> {
  const path = file ?? (existsSync("slipway.yaml") ? "slipway.yaml" : undefined);
  if (path === undefined) return [];
  const { config } = await loadServiceConfigFile(path);
  return config.triage?.rules ?? [];
}

/** Registers `slipway triage` and `slipway triage confirm`. */
export function registerTriageCommand(program: Command, ctx: TriageCommandContext): void {
  const out = () => ctx.out ?? process.stdout;
  const triage = program
    .command("triage")
    .description("the failure lines of a failed pipeline log, its category, probable cause, suggested fix and flaky estimate (offline)")
    .argument("[file]", "the failed log; - or nothing reads stdin")
    .option("--pass <file>", "a passing log of the same job: lines common to both are rarely the cause")
    .option("--rules <file>", "extra triage rules (YAML, see docs/triage.md)")
    .option("--config <file>", "a slipway.yaml whose triage.rules apply (default: ./slipway.yaml when there is one)")
    .option("--record", "triage on the server (log streamed): it records the failure and says how often and where it was seen")
    .option("--service <name>", "with --record: the service whose triage.rules (from its applied slipway.yaml) apply")
    .option("--pipeline <name>", "with --record: the pipeline, whose confirmed examples are used")
    .option("--run <id>", "with --record: the run id, for `slipway triage confirm` later")
    .option("--json", "print JSON")
    .action(async (file: string | undefined, opts: TriageOptions) => {
      if (opts.record) return recordOnServer(file, opts);
      if (opts.pipeline !== undefined || opts.run !== undefined || opts.service !== undefined) throw badInput("--service, --pipeline and --run are for --record", { hint: "add --record to triage on the server and record the run" });
      if (opts.pass === "-" && (file === undefined || file === "-")) {
        throw badInput("only one of the logs can come from stdin", { hint: "give the failed log or the passing log as a file" });
      }
      const rules = [...(await configRules(opts.config)), ...(opts.rules ? loadRulesFile(opts.rules) : [])];
      const passLog = opts.pass === undefined ? undefined : openLog(opts.pass, "passing log");
      const names = { log: nameOf(file, "the log on stdin"), passLog: nameOf(opts.pass, "the passing log on stdin") };
      const result = await triageLog(openLog(file, "log"), { passLog, rules, names });
      out().write(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatTriage(result));
    });

  async function recordOnServer(file: string | undefined, opts: TriageOptions): Promise<void> {
    if (opts.pass !== undefined || opts.rules !== undefined || opts.config !== undefined) {
      throw badInput("--pass, --rules and --config work offline only, not with --record", { hint: "drop --record for an offline triage; on the server, its own rules and --service's triage.rules apply" });
    }
    const query = new URLSearchParams({ ...(opts.service ? { service: opts.service } : {}), ...(opts.pipeline ? { pipeline: opts.pipeline } : {}), ...(opts.run ? { run: opts.run } : {}) }).toString();
    const result = await apiRequest<RecordedTriage>(ctx.resolveTarget(), "POST", `/triage/log${query ? `?${query}` : ""}`, openLog(file, "log"));
    out().write(opts.json ? JSON.stringify(result, null, 2) + "\n" : formatTriage(result));
  }

  triage
    .command("confirm")
    .description("record the lines that explain a run's failure; later failures of its pipeline learn from them")
    .argument("<run>", "the pipeline run id")
    .requiredOption("--lines <ranges>", "line ranges, e.g. 120-131 or 120-131,140")
    .option("--pipeline <name>", "the pipeline (default: the one the run was triaged with)")
    .option("--log <file>", "the run's log: needed when the lines are not among its recorded evidence; lets later runs also learn the lines around them")
    .option("--flaky", "the failure was intermittent")
    .option("--not-flaky", "the failure was real")
    .option("--json", "print JSON")
    .action(async (run: string, opts: { lines: string; pipeline?: string; log?: string; flaky?: boolean; notFlaky?: boolean; json?: boolean }) => {
      parseRanges(opts.lines); // bad ranges are a usage error before any request
      if (opts.flaky && opts.notFlaky) throw badInput("--flaky and --not-flaky contradict each other");
      if (opts.log !== undefined && !existsSync(opts.log)) throw badInput(`log ${opts.log} does not exist`);
      const body = {
        run,
        lines: opts.lines,
        ...(opts.pipeline ? { pipeline: opts.pipeline } : {}),
        ...(opts.log ? { log: readFileSync(opts.log, "utf8") } : {}),
        ...(opts.flaky ? { flaky: true } : opts.notFlaky ? { flaky: false } : {}),
      };
      const res = await apiRequest<{ example: { id: string; pipeline: string; run: string; lines: string[] } }>(ctx.resolveTarget(), "POST", "/triage/confirm", body);
      if (opts.json) out().write(JSON.stringify(res, null, 2) + "\n");
      else out().write(`confirmed ${res.example.lines.length} line(s) of run ${res.example.run} for pipeline ${res.example.pipeline}\n`);
    });
}
