import { killReplicaTree, listReplicaIds } from "../drivers/index.js";

/** Kills every replica the process driver ever started under `dataDir`; returns how many were alive. */
export async function stopAllReplicas(dataDir: string): Promise<number> {
  let stopped = 0;
  for (const id of listReplicaIds(dataDir)) if (await killReplicaTree(dataDir, id)) stopped++;
  return stopped;
}
