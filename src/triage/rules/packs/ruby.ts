/** Rule pack `ruby`: Ruby: backtraces, RSpec and Minitest. */
import { marker, pack, rule } from "./define.js";

export const RUBY_PACK = pack("ruby", "Ruby: backtraces, RSpec and Minitest.", [
  // RSpec's rerun list names each failed example: `rspec ./spec/parser_spec.rb:12 # Parser reads dates`.
  rule("rspec-failed-example", 6, "^rspec \\./\\S+:\\d+ # ", "test", { headline: 5, caseSensitive: true }),
  // Totals: RSpec's `14 examples, 2 failures`, Minitest's `14 runs, 30 assertions, 2 failures, 0 errors`.
  rule("ruby-test-totals", 0, "^\\d+ examples?, [1-9]\\d* failures?|^\\d+ runs, \\d+ assertions, \\d+ failures, \\d+ errors", undefined, { headline: 0, caseSensitive: true }),
  marker("ruby-frame", "stack-frame", /^\s*from \//.source, { caseSensitive: true }),
]);
