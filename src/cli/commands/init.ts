import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { badInput, conflict, loadServiceConfigFile, parseServiceConfig } from "../../core/index.js";
import { CI_FILES, ciTemplate, type CiProvider } from "../ci-templates.js";
import type { CliContext } from "../context.js";

/**
 * `slipway init`: scaffolds a slipway.yaml that lints clean, with every section a team fills in;
 * with `--ci github|gitlab`, also the CI file that builds, signs, pushes and deploys through Slipway.
 */
export function registerInitCommand(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("write a starter slipway.yaml in this directory (and, with --ci, a CI workflow that builds, signs, pushes and deploys)")
    .option("--service <name>", "the service's name (default: package.json name or the directory name)")
    .option("--owner <team>", "the owning team", "team-unknown")
    .option("--file <path>", "where to write it", "slipway.yaml")
    .option("--ci <provider>", "also write a CI file: github (.github/workflows/slipway.yml) or gitlab (.gitlab-ci.yml)")
    .action(async (opts: { service?: string; owner: string; file: string; ci?: string }) => {
      if (opts.ci !== undefined && opts.ci !== "github" && opts.ci !== "gitlab") throw badInput(`unknown CI ${JSON.stringify(opts.ci)}`, { hint: "use --ci github or --ci gitlab" });
      const file = resolve(opts.file);
      const haveConfig = await exists(file);
      if (haveConfig && !opts.ci) throw conflict(`${opts.file} already exists; init never overwrites`, { hint: "edit it, or check it with `slipway lint`" });
      if (!haveConfig) {
        const service = toServiceName(opts.service ?? (await packageName()) ?? basename(process.cwd()));
        const text = starterYaml(service, opts.owner, opts.ci !== undefined);
        const check = parseServiceConfig(text, opts.file);
        if (check.errors.length > 0) throw new Error(`the starter file does not lint: ${check.errors[0]!.message}`);
        await writeFile(file, text, { flag: "wx" });
        ctx.out.write(`wrote ${opts.file} for service ${service}\nnext: edit run.command, then \`slipway lint\` and \`slipway apply\`\n`);
      }
      if (opts.ci) await writeCiFile(ctx, opts.ci, file);
    });
}

/** Writes the CI file for the service of `configFile` (never over an existing one). */
async function writeCiFile(ctx: CliContext, provider: CiProvider, configFile: string): Promise<void> {
  const { config } = await loadServiceConfigFile(configFile);
  const target = resolve(CI_FILES[provider]);
  if (await exists(target)) throw conflict(`${CI_FILES[provider]} already exists; init never overwrites`, { hint: "compare it with what slipway init --ci writes in an empty directory" });
  const secretSources = Object.values(config.build?.secrets ?? {}).map((v) => v.secret).filter((r) => r.startsWith("env:")).map((r) => r.slice(4));
  const text = ciTemplate(provider, {
    service: config.service,
    environment: Object.keys(config.environments)[0]!,
    buildSecrets: [...new Set([...(config.build?.env ?? []), ...secretSources])],
    configFile: relative(process.cwd(), configFile) || "slipway.yaml",
  });
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text, { flag: "wx" });
  const missing = config.build ? "" : `\nnote: ${relative(process.cwd(), configFile)} has no build section yet; slipway pipeline run needs one (docs/slipway-yaml.md#build)`;
  ctx.out.write(`wrote ${CI_FILES[provider]}: builds, signs and pushes ${config.service}, then deploys to ${Object.keys(config.environments)[0]}${missing}\n`);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function packageName(): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile("package.json", "utf8")) as { name?: string }).name;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** npm names may have scopes, dots and upper case; service names are DNS-label-like. */
function toServiceName(raw: string): string {
  const cleaned = raw.replace(/^@[^/]+\//, "").toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "");
  return (cleaned || "my-service").slice(0, 63);
}

/** What `slipway pipeline run` does for a Node service (written with --ci, which runs it). */
const STARTER_BUILD = `
build:                             # slipway pipeline run: checks env, runs the stages, pushes artifact
  env: []                          # variables that must be set before any stage runs
  stages:
    - { name: install, run: npm ci }
    - { name: test, run: npm test, timeout: 10m }
    - { name: package, run: "rm -rf dist && mkdir dist && cp package.json package-lock.json *.js dist/ && npm ci --omit=dev --prefix dist" }
  artifact: dist
`;

function starterYaml(service: string, owner: string, withBuild = false): string {
  return `# slipway.yaml: how ${service} is deployed. Reference: docs/slipway-yaml.md
service: ${service}
owner: ${owner}
${withBuild ? STARTER_BUILD : ""}
run:
  command: node server.js          # started in the unpacked artifact
  port_env: PORT                   # slipway passes the port it chose here
  readiness: { http: /healthz, interval: 250ms, timeout: 30s }
  shutdown: { signal: SIGTERM, grace: 20s }

environments:
  dev:
    target: { driver: process, replicas: 1 }
    strategy: { type: rolling }
  staging:
    target: { driver: process, replicas: 2 }
    strategy: { type: blue-green }
    verify:
      probes:
        - { http: /healthz, expect_status: 200 }
  prod:
    target: { driver: process, replicas: 2 }
    strategy:
      type: canary
      steps: [{ weight: 10, pause: 2m }, { weight: 50, pause: 5m }, { weight: 100 }]
    verify:
      analysis:
        interval: 10s
        metrics:
          - { name: error-rate, max: 0.01 }
          - { name: latency-p95, max_increase: 20% }
    rollback: auto

config:
  prod:
    LOG_LEVEL: info
`;
}
