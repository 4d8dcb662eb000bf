import { join } from "node:path";
import { makeRedactor } from "../core/index.js";
import { resolveConfig } from "../secrets/index.js";
import { probeFromConfig, runSmokeCommand, type ProbeResult } from "../verify/index.js";
import type { EngineContext } from "./context.js";
import { liveReplicasOf } from "./replicas.js";
import { driverFor, isScriptTarget, serviceAddress } from "./targets.js";
import { ensureEnvironment } from "./routing.js";
import { VerificationFailed, type RunState } from "./run-state.js";
import { runScriptStep, scriptTargetOf } from "./script-step.js";

/**
 * Runs the environment's probes and smoke commands, against each new replica directly (before
 * it gets traffic) or through the router (after the switch). Any failure fails verification.
 */
export async function verifyDeployment(ctx: EngineContext, run: RunState, via: "replicas" | "router" | "script"): Promise<unknown> {
  if (via === "script") return verifyScriptTarget(ctx, run);
  const d = run.deployment;
  const verify = run.frozen.environment.verify;
  if (verify.probes.length === 0 && verify.smoke.length === 0) return { checks: [] };
  const front = via === "router" ? serviceAddress(ctx, run.frozen.environment.target, (await ensureEnvironment(ctx, d.service, d.environment)).port) : null;
  const addresses =
    front !== null
      ? [front]
      : (await liveReplicasOf(ctx, { deploymentId: d.id, service: d.service, environment: d.environment, version: d.version, digest: d.digest })).map((r) => ({ host: r.host, port: r.port }));

  const results: ProbeResult[] = [];
  for (const address of addresses) {
    for (const probe of verify.probes) results.push(await probeFromConfig(probe, address, ctx.settings.probeTimeoutMs)(run.signal));
  }
  const smoke = addresses[0] ? await runSmoke(ctx, run, `http://${addresses[0].host}:${addresses[0].port}`) : [];
  const failedProbes = results.filter((r) => !r.ok);
  const failedSmoke = smoke.filter((s) => !s.ok);
  if (failedProbes.length > 0 || failedSmoke.length > 0) {
    const first = failedProbes[0]?.detail ?? `smoke \`${failedSmoke[0]!.command}\`: ${failedSmoke[0]!.detail}`;
    throw new VerificationFailed(
      `verification ${via === "router" ? "through the router" : "of the new replicas"} failed: ${first}`,
      "see `slipway show` for every check's result and the smoke output",
      { probes: results, smoke },
    );
  }
  return { via, probes: results, smoke };
}

async function runSmoke(ctx: EngineContext, run: RunState, url: string | undefined) {
  const d = run.deployment;
  const verify = run.frozen.environment.verify;
  if (verify.smoke.length === 0) return [];
  const resolved = resolveConfig(run.frozen.config, ctx.secretSource);
  const redact = makeRedactor(Object.values(resolved.secrets));
  const cwd = join(ctx.dataDir, "work", d.service, d.digest);
  const env = { ...resolved.env, ...resolved.secrets, PATH: process.env.PATH ?? "/usr/bin:/bin", ...(url ? { SLIPWAY_URL: url } : {}), SLIPWAY_VERSION: d.version };
  const out = [];
  // A smoke command is the service's code too (a script from its artifact, or a line a
  // deployer wrote): it runs with the replicas' privileges, never the control plane's.
  // A script target's smoke commands run like its other commands: the deploy tooling's own.
  const target = run.frozen.environment.target;
  const driver = isScriptTarget(target) ? null : driverFor(ctx, target);
  for (const command of verify.smoke) {
    const launch = await driver?.confine?.({ service: d.service, user: run.frozen.run?.user, workdir: cwd, command });
    out.push({ command, ...(await runSmokeCommand(command, { cwd, env, timeoutMs: verify.smoke_timeout, redact, ...(launch ? { launch } : {}) })) });
  }
  return out;
}

/**
 * A script target is verified where it serves (`target.url`: the probes and smoke commands go
 * there) and by its own `verify` command; any failure fails verification and rolls back.
 */
async function verifyScriptTarget(ctx: EngineContext, run: RunState): Promise<unknown> {
  const verify = run.frozen.environment.verify;
  const target = scriptTargetOf(run.frozen);
  const probes: ProbeResult[] = [];
  if (target.url !== undefined) {
    for (const probe of verify.probes) probes.push(await probeFromConfig(probe, { url: target.url }, ctx.settings.probeTimeoutMs)(run.signal));
  }
  const smoke = await runSmoke(ctx, run, target.url);
  const failedProbe = probes.find((r) => !r.ok);
  const failedSmoke = smoke.find((s) => !s.ok);
  if (failedProbe || failedSmoke) {
    const first = failedProbe?.detail ?? `smoke \`${failedSmoke!.command}\`: ${failedSmoke!.detail}`;
    throw new VerificationFailed(`verification at ${target.url} failed: ${first}`, "see `slipway show` for every check's result and the smoke output", { probes, smoke });
  }
  const script = target.verify !== undefined ? await runScriptStep(ctx, run, "verify") : null;
  return { via: "script", probes, smoke, script };
}
