import type { Kysely, Selectable } from "kysely";
import { notFound, type Artifact } from "../core/index.js";
import type { ArtifactsTable, Database } from "../store/index.js";

/** Anything with a Kysely handle: a Store, or `{ db: trx }` to read inside a transaction. */
export interface HasDb {
  db: Kysely<Database>;
}

/** Maps a row to the domain Artifact. */
export function rowToArtifact(row: Selectable<ArtifactsTable>): Artifact {
  return {
    id: row.id,
    service: row.service,
    version: row.version,
    digest: row.digest,
    commit: row.commit_sha,
    author: row.author,
    sizeBytes: Number(row.size_bytes),
    createdAt: Number(row.created_at),
  };
}

/** Maps a domain Artifact to its row. */
export function artifactToRow(a: Artifact): Selectable<ArtifactsTable> {
  return {
    id: a.id,
    service: a.service,
    version: a.version,
    digest: a.digest,
    commit_sha: a.commit,
    author: a.author,
    size_bytes: a.sizeBytes,
    created_at: a.createdAt,
  };
}

/** The artifact of `service` at `version`, or undefined. */
export async function getArtifact(store: HasDb, service: string, version: string): Promise<Artifact | undefined> {
  const row = await store.db
    .selectFrom("artifacts")
    .selectAll()
    .where("service", "=", service)
    .where("version", "=", version)
    .executeTakeFirst();
  return row ? rowToArtifact(row) : undefined;
}

/** Like getArtifact, but a missing artifact is a notFound error that says how to add it. */
export async function requireArtifact(store: HasDb, service: string, version: string): Promise<Artifact> {
  const found = await getArtifact(store, service, version);
  if (!found) {
    throw notFound(`no artifact ${service} ${version}`, {
      hint: `push it first: slipway artifact push PATH --service ${service} --version ${version}`,
    });
  }
  return found;
}

/** Every artifact with this digest (one build can be pushed under several versions), oldest first. */
export async function listArtifactsByDigest(store: HasDb, digest: string): Promise<Artifact[]> {
  const rows = await store.db.selectFrom("artifacts").selectAll().where("digest", "=", digest).orderBy("created_at").orderBy("id").execute();
  return rows.map(rowToArtifact);
}

/** A service's artifacts, newest first. */
export async function listArtifacts(store: HasDb, service: string, options: { limit?: number } = {}): Promise<Artifact[]> {
  const rows = await store.db
    .selectFrom("artifacts")
    .selectAll()
    .where("service", "=", service)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(rowToArtifact);
}

/** Inserts a new artifact row. Fails on a duplicate (service, version): the caller re-reads. */
export async function insertArtifact(store: HasDb, artifact: Artifact): Promise<void> {
  await store.db.insertInto("artifacts").values(artifactToRow(artifact)).execute();
}
