import { dotted, valueAt } from "./problem.js";
import type { ConfigPath, ConfigProblem, LocateMode } from "./problem.js";

/**
 * Deployability checks for script targets (`target: { driver: script }`) and for the `run`
 * section that only replica targets need. Like checks.ts they read the raw YAML data.
 */

type Raw = Record<string, unknown>;
type Add = (level: "error" | "warning", path: ConfigPath, mode: LocateMode, fields: Omit<ConfigProblem, "file" | "line" | "column" | "path">) => void;

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);

export function checkTargets(data: unknown, add: Add): void {
  const envs = valueAt(data, ["environments"]);
  if (!isRecord(envs)) return;
  let replicaTargets = 0;
  for (const [env, raw] of Object.entries(envs)) {
    if (!isRecord(raw)) continue;
    const target = isRecord(raw.target) ? raw.target : {};
    if (target.driver === "script") checkScriptEnvironment(env, raw, target, add);
    else replicaTargets++;
  }
  if (replicaTargets > 0 && valueAt(data, ["run"]) === undefined) {
    add("error", ["run"], "parent", {
      message: "missing required key run: how an artifact runs (e.g. run: { command: node server.js }); environments whose target is not a script run replicas of it",
      hint: "add run: { command: … } at the top level, or give every environment target: { driver: script, deploy: … }",
    });
  }
}

function checkScriptEnvironment(env: string, raw: Raw, target: Raw, add: Add): void {
  const base = ["environments", env];
  const strategy = isRecord(raw.strategy) ? raw.strategy.type : undefined;
  if (strategy === "canary" || strategy === "blue-green") {
    add("error", [...base, "strategy", "type"], "value", {
      message: `a script target cannot run a ${strategy} strategy: Slipway does not control its traffic or replicas, the deploy command does the whole rollout`,
      found: JSON.stringify(strategy),
      allowed: ["rolling"],
      hint: `remove strategy: here and let the deploy command roll out its way (e.g. helm's rolling update), or use a process or ssh target for a ${strategy} under Slipway's control`,
    });
  }
  const verify = isRecord(raw.verify) ? raw.verify : {};
  if (Array.isArray(verify.probes) && verify.probes.length > 0 && target.url === undefined) {
    add("error", [...base, "verify", "probes"], "key", {
      message: "verify.probes of a script target need target.url: the address where the deployed service answers",
      hint: `add url: https://… under ${dotted([...base, "target"])}`,
    });
  }
  const metrics = isRecord(verify.analysis) && Array.isArray(verify.analysis.metrics) ? verify.analysis.metrics : [];
  metrics.forEach((m, i) => {
    if (!isRecord(m) || (m.source ?? "router") !== "router") return;
    add("error", [...base, "verify", "analysis", "metrics", i, m.source === undefined ? "name" : "source"], m.source === undefined ? "key" : "value", {
      message: `metric "${String(m.name)}" reads from the router, which does not front a script target`,
      found: JSON.stringify(m.source ?? "router"),
      allowed: ["prometheus", "http"],
      hint: "read the metric from where your service reports it: source: prometheus with query:, or source: http with url:",
    });
  });
  if (target.analyse_for !== undefined && !isRecord(verify.analysis)) {
    add("warning", [...base, "target", "analyse_for"], "key", {
      message: "analyse_for has no effect without verify.analysis",
      hint: "add verify.analysis with prometheus or http metrics, or remove analyse_for",
    });
  }
}
