/** Rule pack `beam`: Elixir and Erlang. */
import { pack, rule } from "./define.js";

export const BEAM_PACK = pack("beam", "Elixir and Erlang.", [
  // Elixir/Erlang report an exception as `** (ArgumentError) message`.
  rule("beam-exception", 5, "^\\s*\\*\\* \\([A-Za-z][\\w.]*\\) \\S", undefined, { headline: 4, caseSensitive: true }),
]);
