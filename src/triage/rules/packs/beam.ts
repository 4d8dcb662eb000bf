/** Rule pack `beam`: Elixir and Erlang. */
import { pack, rule } from "./define.js";

export const BEAM_PACK = pack("beam", "Elixir and Erlang.", [
  // Elixir/Erlang report an exception as `** (ArgumentError) message`.
  rule("beam-exception", 5, "^\\s*\\*\\* \\([A-Za-z][\\w.]*\\) \\S", undefined, { headline: 4, caseSensitive: true }),
  // The compiler's own exceptions (mix compile, or a test file that does not compile).
  rule("elixir-compile-error", 8, /^\s*\*\* \((?:CompileError|SyntaxError|TokenMissingError|MismatchedDelimiterError)\) \S/.source, "compile", { headline: 5, caseSensitive: true }),
]);
