/** Rule pack `ci`: CI systems (GitHub Actions, GitLab CI, Travis CI; the exit lines of Jenkins, CircleCI, Azure Pipelines, Buildkite) and the git checkout they run: their annotations, command echoes, step bookkeeping and exit markers. */
import { marker, pack, rule } from "./define.js";

export const CI_PACK = pack("ci", "CI systems (GitHub Actions, GitLab CI, Travis CI; the exit lines of Jenkins, CircleCI, Azure Pipelines, Buildkite) and the git checkout they run: their annotations, command echoes, step bookkeeping and exit markers.", [
  rule("gha-error-annotation", 5, "^##\\[error\\]"),
  rule("travis-boilerplate", -8, "^Done\\. Your build exited with|^The command \".*\" (?:exited with|failed \\d+ times)|^(?:##\\[error\\]|Error: )?Process completed with exit code|^ERROR: Job failed: (?:command terminated with )?exit (?:code|status) 1$", undefined, { headline: 0 }),
  // A wrapper reporting that the step or process it ran exited non-zero: the outcome, not the cause.
  rule("exit-trailer", -10, "(?:step script|the process '[^']*') (?:exited|failed) with (?:exit )?code \\d+|^Got exit code \\d+$|^(?:##\\[error\\])?Executing the custom container implementation failed", undefined, { headline: 0 }),
  // Other CI systems' word that the step's command failed (Jenkins, CircleCI, Azure Pipelines,
  // Buildkite): the outcome, never the cause.
  rule("ci-step-exit", -8, /^ERROR: script returned exit code \d+|^Finished: FAILURE$|^Exited with code (?:exit status )?\d+|^CircleCI received exit code \d+|^##\[error\](?:Bash|PowerShell|Cmd|Script) exited with code '\d+'|^🚨 Error: The command exited with status \d+/.source, undefined, { headline: 0, caseSensitive: true }),
  rule("runner-system-failure", 8, "job failed \\(system failure\\)|cannot connect to the docker daemon|runner has received a shutdown signal|the operation was canceled|lost communication with the server|runner .* (?:lost|offline|disconnected)|received SIG(?:INT|TERM|HUP)\\b|the job was not started|unschedulable|insufficient (?:cpu|memory)|pod failed|failed to come online|waiting for pod", "infrastructure", { headline: 3 }),
  rule("artifact-transfer", 6, "(?:unable to download|uploading|downloading) artifacts?.*(?:error|not found|failed)|artifact not found", "infrastructure", { headline: 2 }),
  rule("git-infra", 5, "couldn't find remote ref|failed to push some refs|fatal: bad object|not a git repository|unable to access '", "infrastructure", { headline: 2 }),
  // git's closing line after a refused or missing remote: the line above it (`Permission denied
  // (publickey)`, `Repository not found`) says why.
  rule("git-remote-unreadable", 5, "could not read from remote repository", "infrastructure", { headline: 0 }),
  // ---- markers ----
  // A command's echo in the job log: its output starts on the next line.
  marker("shell-echo-start", "command-start", /^\$ /.source, { caseSensitive: true }),
  marker("gha-run-start", "command-start", /^##\[group\]Run /.source, { caseSensitive: true }),
  // The CI's own verdict on a command (a multi-line command's Travis marker ends on a line of its
  // own: `" exited with 1.`; one run with travis_retry ends `The command "…" failed 3 times.`).
  marker("travis-command-failed", "command-failed", /^(?:The command ".*)?" (?:exited|failed) with [1-9]\d*|^The command ".*" failed \d+ times/.source, { caseSensitive: true }),
  // GitHub's web view shows `##[error]` as `Error: `: a log copied from it has that form.
  marker("gha-process-failed", "command-failed", /^(?:##\[error\]|Error: )Process completed with exit code [1-9]/.source, { caseSensitive: true }),
  marker("gitlab-job-failed", "command-failed", /^ERROR: Job failed/.source, { caseSensitive: true }),
  marker("ci-step-failed", "command-failed", /^ERROR: script returned exit code [1-9]|^Exited with code (?:exit status )?[1-9]|^##\[error\](?:Bash|PowerShell|Cmd|Script) exited with code '[1-9]|^🚨 Error: The command exited with status [1-9]/.source, { caseSensitive: true }),
  marker("ci-bookkeeping", "bookkeeping", /^(?:travis_(?:time|fold|retry)|##\[(?:end)?group\]|section_(?:start|end))/.source, { caseSensitive: true }),
  // A command's echo or a CI marker line: never the heading of what a command printed.
  marker("ci-echo", "echo", /^(?:\$ |> |\+ |##\[|travis_|section_)/.source, { caseSensitive: true }),
  // The CI's own error annotation: what its UI shows as the failure.
  marker("ci-error-annotation", "annotation", /^##\[error\]|^::error\b/.source, { caseSensitive: true }),
]);
