import { join } from "node:path";
import { makeRedactor } from "../core/index.js";
import { resolveConfig } from "../secrets/index.js";
import { probeFromConfig, runSmokeCommand, type ProbeResult } from "../verify/index.js";
import type { EngineContext } from "./context.js";
import { liveReplicasOf } from "./replicas.js";
import { ensureEnvironment } from "./routing.js";
import { VerificationFailed, type RunState } from "./run-state.js";
import { serviceAddress } from "./targets.js";

/**
 * Runs the environment's probes and smoke commands, against each new replica directly (before
 * it gets traffic) or through the router (after the switch). Any failure fails verification.
 */
export async function verifyDeployment(ctx: EngineContext, run: RunState, via: "replicas" | "router"): Promise<unknown> {
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
  const smoke = await runSmoke(ctx, run, addresses[0]);
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

async function runSmoke(ctx: EngineContext, run: RunState, address: { host: string; port: number } | undefined) {
  const d = run.deployment;
  const verify = run.frozen.environment.verify;
  if (verify.smoke.length === 0 || address === undefined) return [];
  const resolved = resolveConfig(run.frozen.config, ctx.secretSource);
  const redact = makeRedactor(Object.values(resolved.secrets));
  const cwd = join(ctx.dataDir, "work", d.service, d.digest);
  const env = { ...resolved.env, ...resolved.secrets, PATH: process.env.PATH ?? "/usr/bin:/bin", SLIPWAY_URL: `http://${address.host}:${address.port}`, SLIPWAY_VERSION: d.version };
  const out = [];
  for (const command of verify.smoke) {
    out.push({ command, ...(await runSmokeCommand(command, { cwd, env, timeoutMs: verify.smoke_timeout, redact })) });
  }
  return out;
}
