/** Rule pack `node`: Node.js: npm and yarn, TypeScript, mocha/jest/vitest-style runners, ESLint. */
import { marker, pack, rule } from "./define.js";

export const NODE_PACK = pack("node", "Node.js: npm and yarn, TypeScript, mocha/jest/vitest-style runners, ESLint.", [
  // npm's epilogue after a failed script: exit codes, the environment, where its log is, whom to
  // tell. The script's own output above says what failed.
  rule("npm-epilogue", -6, "^npm ERR! (?:code ELIFECYCLE|errno -?\\d+|Exit status \\d+|\\s*$|argv |node v\\d|npm {1,2}v\\d|Linux \\d|Darwin \\d|cwd |Please include the following file|A complete log of this run|\\s+\\S+(?:debug\\.log|-debug\\.log)$|This is (?:probably|most likely) (?:not )?a problem|not with npm itself|There is likely additional logging|Tell the author|You can get (?:information|their info)|Or if that isn't available|\\s+npm (?:owner|bugs) |Failed at the \\S+ \\S+ script|\\S*@\\S* [\\w:-]+: `[^`]*`$|Test failed\\.\\s+See above)", undefined, { headline: 0 }),
  // npm 7+'s epilogue (`npm ERR!` or npm 10's `npm error`): the script's output above says what failed.
  rule("npm-script-epilogue", -6, /^npm (?:ERR!|error) (?:Lifecycle script `[^`]+` failed with error:|Error: command failed|\s+in workspace: |\s+at location: |code \d+$|command failed$|command (?:sh|bash|cmd(?:\.exe)?) (?:-c|\/d \/s \/c) )/.source, undefined, { headline: 0, caseSensitive: true }),
  // webpack's resolution error: a relative path is a missing file of the project, a bare name a
  // package that is not installed.
  rule("webpack-file-not-found", 7, /^Module not found: Error: Can't resolve '\.{1,2}\//.source, "compile", { headline: 5, caseSensitive: true }),
  rule("webpack-package-not-found", 7, /^Module not found: Error: Can't resolve '(?!\.{1,2}\/)/.source, "dependency", { headline: 5, caseSensitive: true }),
  // A lockfile out of step with package.json, which a CI install must not rewrite (pnpm, Yarn).
  rule("node-lockfile-outdated", 7, /ERR_PNPM_(?:OUTDATED_LOCKFILE|NO_MATCHING_VERSION|LOCKFILE_\w+|PEER_DEP_ISSUES|FETCH_\d+)|\bYN0028\b|lockfile would have been modified by this install|Your lockfile needs to be updated/.source, "dependency", { headline: 4, caseSensitive: true }),
  rule("tsc-error", 7, "error TS\\d{3,5}\\b", "compile", { headline: 5 }),
  rule("npm-err", 3, "^npm ERR!|^npm error\\b", "dependency"),
  // Jest names each failed test with a bullet and its describe path: `  ● Cart › adds tax`
  // (systemctl's `● shop.service - Shop` is no test).
  rule("jest-failed-test", 6, /^\s*● (?!\S+\.(?:service|socket|timer|mount|target|scope|slice)\b)\S/.source, "test", { headline: 5, caseSensitive: true }),
  // Node's last words after an uncaught exception (`Node.js v20.11.0` under the stack) or an
  // unhandled rejection or `error` event: the program crashed.
  rule("node-uncaught", 1, /^Node\.js v\d+\.\d+\.\d+$|^\[?UnhandledPromiseRejection\b|^\s*throw er; \/\/ Unhandled 'error' event/.source, "crash", { headline: 0, caseSensitive: true }),
  // ---- markers ----
  // `> pkg@1.2.0 test`: npm echoing the script it runs.
  marker("npm-script-start", "command-start", /^> \S+@\S+ /.source, { caseSensitive: true }),
  marker("npm-lifecycle-failed", "command-failed", /^npm ERR! code ELIFECYCLE/.source, { caseSensitive: true }),
  // A runner's mark of a test that passed (`  ✓ title`, `  ․ title: 3ms`): it ends a failure's report.
  marker("runner-passed-test", "passed-test", /^\s*[․✓✔] /.source, { caseSensitive: true }),
  marker("runner-passed-mark", "report-frame", /^\s*[✓✔] /.source),
  // ESLint's totals and its `--fix` hint close its report.
  marker("eslint-totals", "ends-report", /^\s*[✖×]?\s*\d+ problems? \(\d+ errors?, \d+ warnings?\)\s*$|\bpotentially fixable with the `--fix` option/.source),
  marker("eslint-max-warnings", "warnings-fatal", /ESLint found too many warnings \(maximum: \d+\)/.source, { caseSensitive: true, category: "lint" }),
]);
