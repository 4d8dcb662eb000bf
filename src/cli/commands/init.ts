import { access, readFile, writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { conflict, parseServiceConfig } from "../../core/index.js";
import type { CliContext } from "../context.js";

/** `slipway init`: scaffolds a slipway.yaml that lints clean, with every section a team fills in. */
export function registerInitCommand(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("write a starter slipway.yaml in this directory")
    .option("--service <name>", "the service's name (default: package.json name or the directory name)")
    .option("--owner <team>", "the owning team", "team-unknown")
    .option("--file <path>", "where to write it", "slipway.yaml")
    .action(async (opts: { service?: string; owner: string; file: string }) => {
      const file = resolve(opts.file);
      if (await exists(file)) throw conflict(`${opts.file} already exists; init never overwrites`, { hint: "edit it, or check it with `slipway lint`" });
      const service = toServiceName(opts.service ?? (await packageName()) ?? basename(process.cwd()));
      const text = starterYaml(service, opts.owner);
      const check = parseServiceConfig(text, opts.file);
      if (check.errors.length > 0) throw new Error(`the starter file does not lint: ${check.errors[0]!.message}`);
      await writeFile(file, text, { flag: "wx" });
      ctx.out.write(`wrote ${opts.file} for service ${service}\nnext: edit run.command, then \`slipway lint\` and \`slipway apply\`\n`);
    });
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

function starterYaml(service: string, owner: string): string {
  return `# slipway.yaml: how ${service} is deployed. Reference: docs/slipway-yaml.md
service: ${service}
owner: ${owner}

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
