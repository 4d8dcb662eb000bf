/** Rule pack `tex`: TeX and LaTeX: the engine's `!` errors, latexmk. */
import { marker, pack, rule } from "./define.js";

export const TEX_PACK = pack("tex", "TeX and LaTeX: the engine's `!` errors, latexmk.", [
  // TeX starts every error with `! `: `! LaTeX Error: File `x.sty' not found.`, `! Undefined control sequence.`
  rule("tex-error", 7, "^! (?:LaTeX Error|Package \\S+ Error|Class \\S+ Error|Undefined control sequence|Missing \\S|Emergency stop|TeX capacity exceeded|Extra \\S|Illegal |Paragraph ended|Too many |File ended|I can't find file)", "compile", { headline: 4, caseSensitive: true }),
  rule("latexmk-failed", 3, "^Latexmk: Errors, so I did not complete making targets|^Collected error summary", undefined, { headline: 0, caseSensitive: true }),
  // ---- markers ----
  // After an error TeX quotes where it stopped: `l.42 \\foo`.
  marker("tex-error-context", "continuation", /^l\.\d+ /.source, { caseSensitive: true }),
]);
