/** Rule pack `lua`: Lua: busted. */
import { pack, rule } from "./define.js";

export const LUA_PACK = pack("lua", "Lua: busted.", [
  // busted's report of one failed or erroring spec: `Failure → spec/parser_spec.lua @ 12`.
  rule("busted-failure", 6, "^(?:Failure|Error) → \\S", "test", { headline: 5, caseSensitive: true }),
  rule("busted-totals", 0, "^\\d+ successes? / [1-9]\\d* failures? / \\d+ errors?|^\\d+ successes? / \\d+ failures? / [1-9]\\d* errors?", undefined, { headline: 0, caseSensitive: true }),
]);
