import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { badInput, conflict } from "../../core/index.js";
import { checkKeyName, generateKeyPair, KEY_ALGORITHMS, MAX_KEY_PEM_BYTES, shortKeyId, type KeyAlgorithm, type SigningKey } from "../../supply/index.js";
import { apiRequest } from "../api-client.js";
import type { CliContext } from "../context.js";
import { clockTime, printJson, printTable } from "../output.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `slipway keys create|register|list|revoke`: signing keys. Creating one is offline; the rest talk to the server. */
export function registerKeyCommands(program: Command, ctx: CliContext): void {
  const keys = program.command("keys").description("signing keys: create a pair, register its public half, list, revoke");

  keys
    .command("create")
    .description("write a new key pair: NAME.key (private, mode 0600, stays with CI) and NAME.pub (public, to register)")
    .argument("<name>", "the key's name (as signed_by will name it)")
    .option("--type <algorithm>", `the key type: ${KEY_ALGORITHMS.join(" or ")}`, "ed25519")
    .option("--dir <dir>", "where to write the files", ".")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { type: string; dir: string; json?: boolean }) => {
      checkKeyName(name);
      if (!(KEY_ALGORITHMS as readonly string[]).includes(opts.type)) throw badInput(`unknown key type ${opts.type}`, { hint: `use ${KEY_ALGORITHMS.join(" or ")}` });
      const pair = generateKeyPair(opts.type as KeyAlgorithm);
      const privateFile = join(opts.dir, `${name}.key`);
      const publicFile = join(opts.dir, `${name}.pub`);
      // wx: never overwrite a key; 0600: the private key is readable by its owner only.
      await writeFile(privateFile, pair.privatePem, { flag: "wx", mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "EEXIST") throw conflict(`${privateFile} already exists; keys create never overwrites a key`, { hint: "choose another name, or remove the old key files yourself" });
        throw err;
      });
      await writeFile(publicFile, pair.publicPem, { flag: "wx", mode: 0o644 });
      if (opts.json) return printJson({ name, algorithm: pair.algorithm, keyId: pair.keyId, privateKey: privateFile, publicKey: publicFile }, ctx.out);
      ctx.out.write(`wrote ${privateFile} (private, mode 0600: keep it with CI, never commit it) and ${publicFile}\n${pair.algorithm} key ${shortKeyId(pair.keyId)}\nnext: slipway keys register ${name} --public ${publicFile}\n`);
    });

  keys
    .command("register")
    .description("put a public key on the server, with the services it may sign")
    .argument("<name>", "the key's name (as signed_by names it)")
    .requiredOption("--public <file>", "the public key (PEM), e.g. NAME.pub")
    .option("--service <name>", "a service the key may sign (repeatable; default: any)", collect)
    .option("--description <text>", "what the key is for")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { public: string; service?: string[]; description?: string; json?: boolean }) => {
      checkKeyName(name);
      const publicKey = await readKeyFile(opts.public);
      const { key } = await apiRequest<{ key: SigningKey }>(ctx.target(), "POST", "/keys", { name, publicKey, services: opts.service, description: opts.description });
      if (opts.json) return printJson(key, ctx.out);
      ctx.out.write(`registered ${key.name}: ${key.algorithm} ${shortKeyId(key.keyId)}, may sign ${key.services.length ? key.services.join(", ") : "any service"}\n`);
    });

  keys
    .command("list")
    .description("list registered keys")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { keys: list } = await apiRequest<{ keys: SigningKey[] }>(ctx.target(), "GET", "/keys");
      if (opts.json) return printJson(list, ctx.out);
      printTable(
        list.map((k) => ({ name: k.name, type: k.algorithm, key: shortKeyId(k.keyId), services: k.services.join(",") || "any", state: k.revokedAt ? `revoked ${clockTime(k.revokedAt)}` : "active" })),
        ["name", "type", "key", "services", "state"],
        ctx.out,
      );
    });

  keys
    .command("revoke")
    .description("revoke a key: no signature by it counts any more")
    .argument("<name>", "the key's name")
    .requiredOption("--reason <text>", "why (recorded)")
    .action(async (name: string, opts: { reason: string }) => {
      const { key } = await apiRequest<{ key: SigningKey }>(ctx.target(), "POST", `/keys/${encodeURIComponent(name)}/revoke`, { reason: opts.reason });
      ctx.out.write(`revoked ${key.name} (${shortKeyId(key.keyId)}); signatures by it no longer count\n`);
    });
}

async function readKeyFile(file: string): Promise<string> {
  const text = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    throw badInput(`cannot read ${file} (${err.code ?? err.message})`, { hint: "give the .pub file slipway keys create wrote" });
  });
  if (Buffer.byteLength(text) > MAX_KEY_PEM_BYTES) throw badInput(`${file} is larger than ${MAX_KEY_PEM_BYTES / 1024} KiB; a public key is a few hundred bytes`);
  return text;
}
