import { randomFillSync } from "node:crypto";
import { gzipSync } from "node:zlib";

/** A ustar header block for a regular file `name` of `size` bytes (size below 8 GiB). */
export function tarHeader(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(size.toString(8).padStart(11, "0") + "\0", 124);
  block.write("00000000000\0", 136);
  block.write("        ", 148);
  block.write("0", 156);
  block.write("ustar\0", 257);
  block.write("00", 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return block;
}

/**
 * A gzip bomb shaped as a real .tgz: `entries` files of `entryBytes` bytes each, written as
 * concatenated gzip members (gunzip reads them as one stream), so a few MB expand to GBs
 * without this process ever holding more than one small member. entryBytes: a multiple of
 * 64 MiB. Each 64 MiB starts with `noiseBytes` random bytes (the rest zeros): with enough
 * noise the expansion ratio stays under node-tar's own 1000:1 guard.
 */
export function gzipBomb(entries: number, entryBytes: number, noiseBytes = 0): Buffer {
  const chunk = 64 * 1024 * 1024;
  const plain = Buffer.alloc(chunk);
  randomFillSync(plain, 0, noiseBytes);
  const zeros = gzipSync(plain, { level: 9 });
  const parts: Buffer[] = [];
  for (let i = 0; i < entries; i++) {
    parts.push(gzipSync(tarHeader(`file-${i}.bin`, entryBytes)));
    for (let n = 0; n < entryBytes / chunk; n++) parts.push(zeros);
  }
  parts.push(gzipSync(Buffer.alloc(1024)));
  return Buffer.concat(parts);
}
