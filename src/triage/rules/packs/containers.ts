/** Rule pack `containers`: Containers: Docker and image registries. */
import { pack, rule } from "./define.js";

export const CONTAINERS_PACK = pack("containers", "Containers: Docker and image registries.", [
  rule("image-pull", 6, "failed to pull image|ImagePullBackOff|ErrImagePull|error response from daemon|error (?:building|pushing) image|toomanyrequests|rate limit exceeded", "infrastructure", { headline: 2 }),
]);
