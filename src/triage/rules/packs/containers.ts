/** Rule pack `containers`: Containers: Docker and image registries. */
import { pack, rule } from "./define.js";

export const CONTAINERS_PACK = pack("containers", "Containers: Docker and image registries.", [
  // BuildKit (and the classic builder) on a COPY or ADD of a path the build context lacks (not
  // its other cache-key failures, such as a base layer it could not fetch).
  rule("docker-copy-missing", 7, /failed to calculate checksum of ref [^:]+: "[^"]*": not found|COPY failed: (?:file not found|stat .*no such file)/.source, "compile", {
    headline: 4,
    cause: "a file or directory the Dockerfile copies is not in the build context",
    next: "build or generate it in a step before `docker build`, or fix the COPY/ADD path and check .dockerignore",
  }),
  rule("image-pull", 6, "failed to pull image|ImagePullBackOff|ErrImagePull|error response from daemon|error (?:building|pushing) image|toomanyrequests|rate limit exceeded", "infrastructure", { headline: 2 }),
]);
