/** Rule pack `infra`: infrastructure as code and configuration management: Terraform/OpenTofu, Ansible, AWS credentials. */
import { marker, pack, rule } from "./define.js";

export const INFRA_PACK = pack("infra", "Infrastructure as code and configuration management: Terraform/OpenTofu, Ansible, AWS credentials.", [
  // Terraform draws each diagnostic in a box: `╷`, `│ Error: Unsupported argument`, `│   on main.tf line 14…`, `╵`.
  // AWS's credential errors, as its CLI and SDKs print them.
  rule("aws-credentials", 7, /\((?:ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException|InvalidAccessKeyId)(?:Exception)?\)|security token included in the request is (?:expired|invalid)/.source, "permission", { headline: 4, caseSensitive: true }),
  rule("terraform-error", 7, /^│ Error: \S/.source, "infrastructure", { headline: 4, caseSensitive: true }),
  rule("terraform-verdict", 2, /^(?:Planning|Apply) failed\. Terraform encountered an error/.source, "infrastructure", { headline: 0, caseSensitive: true }),
  // Ansible's failed or unreachable task: `fatal: [web1]: FAILED! => {"msg": …}`.
  rule("ansible-task-failed", 7, /^fatal: \[[^\]]+\]: (?:FAILED|UNREACHABLE)!/.source, "infrastructure", { headline: 4, caseSensitive: true }),
  // ---- markers ----
  marker("terraform-box", "continuation", /^[│╷╵]/.source, { caseSensitive: true }),
  // Ansible's recap counts every host's tasks: it says how the run ended.
  marker("ansible-recap", "ends-report", /^PLAY RECAP \*+|^\S+\s+: ok=\d+\s+changed=\d+\s+unreachable=\d+\s+failed=\d+/.source, { caseSensitive: true }),
]);
