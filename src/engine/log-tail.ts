import { open } from "node:fs/promises";

/** The last `lines` lines of a (possibly large) log file, read from its end; "" when it does not exist. */
export async function readLogTail(path: string, lines: number, maxBytes = 16_384): Promise<string> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString("utf8").split("\n").filter(Boolean).slice(-lines).join("\n");
  } finally {
    await handle.close();
  }
}
