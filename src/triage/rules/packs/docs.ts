/** Rule pack `docs`: documentation checks: link checkers (awesome_bot, markdown-link-check, HTML-Proofer) and markdownlint. */
import { pack, rule } from "./define.js";

export const DOCS_PACK = pack("docs", "Documentation checks: link checkers (awesome_bot, markdown-link-check, HTML-Proofer) and markdownlint.", [
  // awesome_bot closes a failed check with `Issues :-(` over its `> Links` and `> Dupes` lists.
  rule("awesome-bot-issues", 6, /^Issues :-\($/.source, "lint", { headline: 3, caseSensitive: true }),
  // It echoes its options first (`> Will allow SSL errors`): settings, not failures.
  rule("awesome-bot-setting", -4, /^> (?:Will (?:allow|delay|not save)|Connection timeout|White list)/.source, undefined, { headline: 0, caseSensitive: true }),
  // markdown-link-check: `  [✖] https://x.test/a → Status: 404` under `  ERROR: 2 dead links found!`.
  rule("markdown-link-check-dead", 5, /^\s*\[✖\] \S+(?: → Status: \d+)?\s*$|^\s*ERROR: \d+ dead links? found/.source, "lint", { headline: 4, caseSensitive: true }),
  rule("html-proofer-failures", 5, /^HTML-Proofer found \d+ failures?/.source, "lint", { headline: 2, caseSensitive: true }),
  // markdownlint and markdownlint-cli2: `docs/a.md:12:81 MD013/line-length Line length […]`.
  rule("markdownlint-violation", 5, /^[\w./-]+\.(?:md|markdown)(?::\d+){1,2}:? (?:error )?MD\d{3}(?:\/[\w-]+)+ /.source, "lint", { headline: 5, caseSensitive: true }),
]);
