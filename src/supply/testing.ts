import { gzipSync } from "node:zlib";
import { Header } from "tar";

/** One entry of a hand-made archive. Types are node-tar's names ("File", "SymbolicLink", …). */
export interface CraftedEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "FIFO" | "CharacterDevice";
  linkpath?: string;
  body?: string;
  mode?: number;
}

/**
 * Builds a .tgz byte for byte from headers, with no path sanitizing, so tests can make the
 * archives an attacker would (`../` entries, absolute paths, links out, devices).
 */
export function craftTgz(entries: readonly CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? "File";
    const body = Buffer.from(type === "File" ? (e.body ?? "") : "");
    const header = new Header({
      path: e.path,
      type,
      linkpath: e.linkpath,
      size: body.length,
      mode: e.mode ?? (type === "Directory" ? 0o755 : 0o644),
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    if (header.encode()) throw new Error(`entry ${e.path} needs a PAX header; keep test paths under 100 bytes`);
    blocks.push(header.block as Buffer, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
