/**
 * Artifacts: immutable build outputs, stored content-addressed (sha256) under the data
 * directory, recorded in the database, and unpacked by digest for deployment. Archives are
 * checked for entries that could escape the artifact directory, at push and at unpack.
 */
export { pushArtifact, type PushArtifactInput, type PushArtifactResult } from "./push.js";
export { unpackArtifact, UNPACK_MARKER } from "./unpack.js";
export {
  getArtifact,
  requireArtifact,
  listArtifacts,
  listArtifactsByDigest,
  rowToArtifact,
  artifactToRow,
  type HasDb,
} from "./artifact-repo.js";
export { artifactPath, sha256File } from "./blob-store.js";
export { validateArchive, checkEntries, type ArchiveEntry } from "./archive-safety.js";
export { packDirectory } from "./pack.js";
export { checkServiceName, checkVersion, parseDigest, formatDigest, shortDigest } from "./names.js";
