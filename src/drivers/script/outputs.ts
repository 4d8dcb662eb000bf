import { readFile, rm, writeFile } from "node:fs/promises";

/**
 * Output variables: a command may leave `NAME=value` lines in the file `$SLIPWAY_OUTPUT`
 * (like Octopus's output variables), e.g. the Helm revision it replaced, and the commands after
 * it in the same deployment (status, verify, rollback) get them as `SLIPWAY_OUT_NAME`.
 */

/** The prefix later commands see an output under. */
export const OUTPUT_PREFIX = "SLIPWAY_OUT_";

const MAX_OUTPUTS = 64;
const MAX_VALUE = 4 * 1024;
const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** Makes the output file exist and empty before a run. */
export async function clearOutputFile(path: string): Promise<void> {
  await writeFile(path, "");
}

/**
 * Reads a run's output variables and removes the file. Values pass through `redact` (a secret a
 * command wrote there is stored as [REDACTED]); lines that are not NAME=value are ignored; the
 * last value of a name wins; at most 64 names of 4 KiB each are kept.
 */
export async function takeOutputs(path: string, redact: (text: string) => string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw err;
  }
  await rm(path, { force: true });
  const outputs: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = LINE.exec(line.replace(/\r$/, ""));
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    if (!(name in outputs) && Object.keys(outputs).length >= MAX_OUTPUTS) continue;
    outputs[name] = redact(value).slice(0, MAX_VALUE);
  }
  return outputs;
}
