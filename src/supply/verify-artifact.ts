import { isSlipwayError, notFound } from "../core/index.js";
import { listArtifactsByDigest, type HasDb } from "./artifact-repo.js";
import { supplyFacts, type SupplyFacts } from "./facts.js";
import { formatDigest } from "./names.js";
import { checkStoredArtifact } from "./unpack.js";

/** Everything Slipway can check about one digest, now: the stored bytes and what is attached. */
export interface ArtifactVerification {
  digest: string;
  /** Every (service, version) pushed with these bytes. */
  artifacts: { service: string; version: string; commit: string | null; author: string | null; pushedAt: number }[];
  /** The blob in the store still hashes to its digest. */
  blob: { ok: boolean; detail: string };
  facts: SupplyFacts;
}

/** Verifies artifact `hex`: recomputes the blob's digest and checks every attachment against the registered keys. */
export async function verifyArtifact(store: HasDb, dataDir: string, hex: string): Promise<ArtifactVerification> {
  const artifacts = await listArtifactsByDigest(store, hex);
  if (artifacts.length === 0) throw notFound(`no artifact has digest ${formatDigest(hex)}`, { hint: "list a service's artifacts with slipway artifact list --service S" });
  let blob: ArtifactVerification["blob"];
  try {
    await checkStoredArtifact(dataDir, hex);
    blob = { ok: true, detail: `the stored bytes hash to ${formatDigest(hex)}` };
  } catch (err) {
    if (!isSlipwayError(err)) throw err;
    blob = { ok: false, detail: err.message };
  }
  return {
    digest: hex,
    artifacts: artifacts.map((a) => ({ service: a.service, version: a.version, commit: a.commit, author: a.author, pushedAt: a.createdAt })),
    blob,
    facts: await supplyFacts(store, hex, artifacts[0]!.service),
  };
}
