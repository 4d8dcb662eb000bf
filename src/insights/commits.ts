import { sql } from "kysely";
import { badInput, notFound } from "../core/index.js";
import type { Db } from "../store/index.js";

export interface CommitInput {
  sha: string;
  /** Commit time, UTC ms. */
  at: number;
}

const SHA = /^[0-9a-f]{7,64}$/;

/**
 * Parses a commit list as `git log --format='%H %cI' PREV..HEAD` prints it: one commit a line,
 * its sha and its ISO 8601 commit time; blank lines and # comments are skipped.
 */
export function parseCommitList(text: string, source = "the commit list"): CommitInput[] {
  const out: CommitInput[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) return;
    const [sha, when, ...rest] = t.split(/\s+/);
    const at = when === undefined ? Number.NaN : Date.parse(when);
    if (!SHA.test(sha!.toLowerCase()) || Number.isNaN(at) || rest.length > 0) {
      throw badInput(`${source}:${i + 1}: expected "SHA ISO-TIME", got ${JSON.stringify(t.slice(0, 120))}`, { hint: "write it with: git log --format='%H %cI' PREVIOUS..HEAD" });
    }
    out.push({ sha: sha!.toLowerCase(), at });
  });
  return out;
}

/** Records the commits an artifact contains (again: the same commit twice is kept once). */
export async function recordArtifactCommits(db: Db, service: string, version: string, commits: readonly CommitInput[]): Promise<{ artifactId: string; recorded: number }> {
  const artifact = await db.selectFrom("artifacts").select(["id", "created_at"]).where("service", "=", service).where("version", "=", version).executeTakeFirst();
  if (!artifact) throw notFound(`no artifact ${service}@${version}`, { hint: "push it first: slipway artifact push PATH --service S --version V" });
  const unique = [...new Map(commits.map((c) => [c.sha, c])).values()];
  for (let i = 0; i < unique.length; i += 500) {
    await db
      .insertInto("artifact_commits")
      .values(unique.slice(i, i + 500).map((c) => ({ artifact_id: artifact.id, service, sha: c.sha, committed_at: c.at })))
      .onConflict((oc) => oc.columns(["artifact_id", "sha"]).doUpdateSet((eb) => ({ committed_at: eb.ref("excluded.committed_at") })))
      .execute();
  }
  // Commits recorded after the artifact's push reach the rollups through its service: looked at again from the push on.
  await db.updateTable("insights_state").set({ watermark: sql<number>`case when watermark < ${Number(artifact.created_at) - 1} then watermark else ${Number(artifact.created_at) - 1} end` }).where("id", "=", 1).execute();
  return { artifactId: artifact.id, recorded: unique.length };
}
