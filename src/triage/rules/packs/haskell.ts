/** Rule pack `haskell`: Haskell: cabal test suites and tasty. */
import { marker, pack } from "./define.js";

export const HASKELL_PACK = pack("haskell", "Haskell: cabal test suites and tasty.", [
  marker("haskell-suite-outcome", "ends-report", /^Test suite \S+: FAIL|^\d+ out of \d+ tests failed/.source),
  // GHC with -Werror prints its warnings as warnings, then this.
  marker("ghc-werror", "warnings-fatal", /Failing due to -Werror\b/.source, { caseSensitive: true }),
]);
