import { ROUTER_METRICS } from "./schema.js";
import { didYouMean, MAX_DECLARED_CANDIDATES, someNames } from "./suggest.js";
import { checkTargets } from "./script-checks.js";
import { dotted, valueAt } from "./problem.js";
import type { ConfigPath, ConfigProblem, LocateMode, Locator } from "./problem.js";

/**
 * Deployability checks: things the schema cannot say because they span keys (a config block
 * for an environment that does not exist) or are legal but probably not what was meant.
 * They read the raw YAML data defensively, so they run, and report, even when the schema
 * found errors elsewhere: the user sees every problem in one pass.
 */

export interface CheckFindings {
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isRecord(v) ? Object.entries(v) : []);

/** Names that usually hold a credential. KEY only as a whole word, so KEYBOARD or MONKEY pass. */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE|(^|_)(API_?)?KEY(_|$)|APIKEY/i;

class Findings implements CheckFindings {
  errors: ConfigProblem[] = [];
  warnings: ConfigProblem[] = [];
  constructor(
    private readonly file: string,
    private readonly locate: Locator,
  ) {}
  add(level: "error" | "warning", path: ConfigPath, mode: LocateMode, fields: Omit<ConfigProblem, "file" | "line" | "column" | "path">) {
    const p = { file: this.file, ...this.locate(path, mode), path: dotted(path), ...fields };
    (level === "error" ? this.errors : this.warnings).push(p);
  }
}

function checkConfigEnvironments(data: unknown, out: Findings): void {
  const declared = Object.keys(isRecord(valueAt(data, ["environments"])) ? (valueAt(data, ["environments"]) as Raw) : {});
  const declaredSet = new Set(declared);
  for (const [env, values] of entries(valueAt(data, ["config"]))) {
    if (!declaredSet.has(env)) {
      const guess = didYouMean(env, declared, MAX_DECLARED_CANDIDATES);
      out.add("error", ["config", env], "key", {
        message: `config for "${env}", which is not an environment under environments; ${guess ? `did you mean "${guess}"?` : `declared: ${someNames(declared) || "none"}`}`,
        found: JSON.stringify(env),
        allowed: declared.slice(0, 20),
      });
    }
    for (const [key, value] of entries(values)) {
      if (typeof value === "string" && value !== "" && SECRET_NAME.test(key)) {
        out.add("warning", ["config", env, key], "value", {
          message: `${key} looks like a secret but is written in plain text in slipway.yaml`,
          hint: `store it outside the file and refer to it: ${key}: { secret: env:${key} } (resolved at deploy time)`,
        });
      }
    }
  }
}

function checkReadiness(data: unknown, out: Findings): void {
  if (!isRecord(valueAt(data, ["run"]))) return;
  const readiness = valueAt(data, ["run", "readiness"]);
  if (readiness !== undefined && !isRecord(readiness)) return;
  if (isRecord(readiness) && (readiness.http !== undefined || readiness.tcp === true)) return;
  const path = readiness === undefined ? ["run"] : ["run", "readiness"];
  const what = readiness === undefined ? "run has no readiness check" : "readiness has neither http nor tcp";
  out.add("warning", path, "key", {
    message: `${what}: a replica counts as ready once its process stays up, which may be before it can serve`,
    hint: "add readiness: { http: /healthz } (or tcp: true) under run",
  });
}

function checkCanary(env: string, strategy: Raw, out: Findings): void {
  if (strategy.type !== "canary" || !Array.isArray(strategy.steps)) return;
  const base = ["environments", env, "strategy", "steps"];
  let previous: number | undefined;
  strategy.steps.forEach((step, i) => {
    const weight = isRecord(step) ? step.weight : undefined;
    if (typeof weight !== "number") return;
    if (previous !== undefined && weight < previous) {
      out.add("error", [...base, i, "weight"], "value", {
        message: `canary weight goes down from ${previous} to ${weight}; each step must send at least as much traffic as the one before`,
        found: String(weight),
        hint: "order the steps by weight, e.g. 10, 50, 100",
      });
    }
    previous = weight;
  });
  const last = strategy.steps.length - 1;
  if (previous !== undefined && previous < 100 && isRecord(strategy.steps[last])) {
    out.add("warning", [...base, last, "weight"], "value", {
      message: `the canary's last step sends ${previous}% of traffic; after it, once analysis passes, Slipway switches 100% to the new version with no further pause`,
      hint: "end with { weight: 100, pause: 5m } to watch the full switch, or ignore this if an immediate switch is intended",
    });
  }
}

function checkAnalysis(env: string, verify: Raw, out: Findings): void {
  const metrics = isRecord(verify.analysis) ? verify.analysis.metrics : undefined;
  if (!Array.isArray(metrics)) return;
  metrics.forEach((m, i) => {
    if (!isRecord(m)) return;
    const path = ["environments", env, "verify", "analysis", "metrics", i];
    const source = m.source ?? "router";
    const routerMetric = m.metric ?? m.name;
    if (source === "router" && typeof routerMetric === "string" && !(ROUTER_METRICS as readonly string[]).includes(routerMetric)) {
      const guess = didYouMean(routerMetric, ROUTER_METRICS);
      out.add("error", [...path, m.metric === undefined ? "name" : "metric"], "value", {
        message: `found "${routerMetric}", which the router does not measure; allowed: ${ROUTER_METRICS.join(", ")}`,
        found: JSON.stringify(routerMetric),
        allowed: [...ROUTER_METRICS],
        hint: guess ? `did you mean "${guess}"?` : "name it after what it measures, or set metric: to one of these",
      });
    }
    const needs = source === "prometheus" ? "query" : source === "http" ? "url" : undefined;
    if (needs && m[needs] === undefined) {
      out.add("error", [...path, needs], "parent", {
        message: `missing required key ${dotted([...path, needs])}: a ${source} metric needs ${needs === "query" ? "a PromQL query" : "the URL to read"}`,
      });
    }
  });
}

function checkEnvironments(data: unknown, out: Findings): void {
  for (const [env, raw] of entries(valueAt(data, ["environments"]))) {
    if (!isRecord(raw)) continue;
    if (isRecord(raw.strategy)) checkCanary(env, raw.strategy, out);
    if (isRecord(raw.verify)) checkAnalysis(env, raw.verify, out);
    const batch = isRecord(raw.strategy) ? raw.strategy.batch : undefined;
    const replicas = isRecord(raw.target) && typeof raw.target.replicas === "number" ? raw.target.replicas : 1;
    if (typeof batch === "number" && batch > replicas) {
      out.add("warning", ["environments", env, "strategy", "batch"], "value", {
        message: `batch ${batch} is more than the ${replicas} replica${replicas === 1 ? "" : "s"} of this environment: all are replaced at once`,
        found: String(batch),
      });
    }
  }
}

/**
 * The promotion loops among promoted_from links, each as the names around it from where the
 * walk entered it back to the same name. Each name is walked once, so a long chain stays linear.
 */
function promotionLoops(links: Map<string, string>): string[][] {
  const walkOf = new Map<string, number>();
  const loops: string[][] = [];
  let walk = 0;
  for (const start of links.keys()) {
    if (walkOf.has(start)) continue;
    walk++;
    const path: string[] = [];
    let at: string | undefined = start;
    while (at !== undefined && !walkOf.has(at)) {
      walkOf.set(at, walk);
      path.push(at);
      at = links.get(at);
    }
    if (at !== undefined && walkOf.get(at) === walk) loops.push([...path.slice(path.indexOf(at)), at]);
  }
  return loops;
}

/**
 * requires: promoted_from must name another declared environment and the promotion path
 * must not loop (no artifact could ever enter a loop); soak measures time in promoted_from,
 * so it needs one.
 */
function checkRequires(data: unknown, out: Findings): void {
  const envs = valueAt(data, ["environments"]);
  const declared = Object.keys(isRecord(envs) ? envs : {});
  const declaredSet = new Set(declared);
  const allowedBut = (env: string) => declared.slice(0, 21).filter((d) => d !== env).slice(0, 20);
  const links = new Map<string, string>();
  for (const [env, raw] of entries(envs)) {
    const requires = isRecord(raw) ? raw.requires : undefined;
    if (!isRecord(requires)) continue;
    const base = ["environments", env, "requires"];
    const from = requires.promoted_from;
    if (typeof from === "string" && from === env) {
      out.add("error", [...base, "promoted_from"], "value", {
        message: `${env} is promoted from itself; promoted_from names the environment an artifact must succeed in first`,
        found: JSON.stringify(from),
        allowed: allowedBut(env),
      });
    } else if (typeof from === "string" && !declaredSet.has(from)) {
      const guess = didYouMean(from, declared, MAX_DECLARED_CANDIDATES);
      out.add("error", [...base, "promoted_from"], "value", {
        message: `promoted_from names "${from}", which is not an environment under environments; ${guess ? `did you mean "${guess}"?` : `declared: ${someNames(declared)}`}`,
        found: JSON.stringify(from),
        allowed: allowedBut(env),
      });
    } else if (typeof from === "string") {
      links.set(env, from);
    }
    if (requires.soak !== undefined && from === undefined) {
      out.add("error", [...base, "soak"], "key", {
        message: "soak needs promoted_from: it is how long the artifact must have run there first",
        hint: "add promoted_from: <environment> under requires (e.g. promoted_from: staging)",
      });
    }
  }
  for (const loop of promotionLoops(links)) {
    out.add("error", ["environments", loop[0]!, "requires", "promoted_from"], "value", {
      message: `the promotion path loops (${someNames(loop, 20, " ← ")}): no artifact could ever succeed in one of them first`,
      hint: "let the first environment of the path (e.g. dev) have no promoted_from",
    });
  }
}

/** Runs every deployability check over raw YAML data. */
export function deployabilityChecks(data: unknown, file: string, locate: Locator): CheckFindings {
  const out = new Findings(file, locate);
  checkConfigEnvironments(data, out);
  checkReadiness(data, out);
  checkEnvironments(data, out);
  checkRequires(data, out);
  checkTargets(data, (...args) => out.add(...args));
  return { errors: out.errors, warnings: out.warnings };
}
