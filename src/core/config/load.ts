import { readFile } from "node:fs/promises";
import { badInput } from "../errors.js";
import { formatProblems } from "./format.js";
import { parseServiceConfig } from "./parse.js";
import type { ConfigProblem } from "./problem.js";
import type { ServiceConfig } from "./schema.js";

/** A slipway.yaml that parsed without errors, its warnings and the text it came from. */
export interface LoadedServiceConfig {
  config: ServiceConfig;
  warnings: ConfigProblem[];
  text: string;
}

/**
 * Reads and parses a slipway.yaml from disk: the one place in core/ that does I/O, kept
 * apart so everything else in core stays pure. Throws a `bad_input` SlipwayError when the
 * file is missing or has errors (all of them in `details`, formatted in the hint's context).
 */
export async function loadServiceConfigFile(path: string): Promise<LoadedServiceConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw badInput(`no slipway.yaml at ${path}; create one with \`slipway init\``, { cause: err });
    }
    if (code === "EISDIR") {
      throw badInput(`${path} is a directory, not a slipway.yaml`, { hint: `try ${path}/slipway.yaml`, cause: err });
    }
    throw badInput(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const result = parseServiceConfig(text, path);
  if (!result.config) {
    const n = result.errors.length;
    throw badInput(`slipway.yaml has ${n} error${n === 1 ? "" : "s"}`, {
      details: result.errors,
      hint: `fix these and run \`slipway lint ${path}\` again:\n${formatProblems({ errors: result.errors, warnings: [] }).join("\n")}`,
    });
  }
  return { config: result.config, warnings: result.warnings, text };
}
