/** Rule pack `ruby`: Ruby: backtraces. */
import { marker, pack } from "./define.js";

export const RUBY_PACK = pack("ruby", "Ruby: backtraces.", [
  marker("ruby-frame", "stack-frame", /^\s*from \//.source, { caseSensitive: true }),
]);
