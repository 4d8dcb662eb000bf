import type { ApiTarget } from "./api-client.js";

/** What every command gets: where to write, how to reach the server, how to set the exit code. */
export interface CliContext {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  target(): ApiTarget;
  setExitCode(code: number): void;
}
