/** Rule pack `dotnet`: .NET: the C#, F# and VB compilers, MSBuild, NuGet, `dotnet test` with xUnit, NUnit and MSTest. */
import { pack, rule } from "./define.js";

export const DOTNET_PACK = pack("dotnet", ".NET: the C#, F# and VB compilers, MSBuild, NuGet, `dotnet test` with xUnit, NUnit and MSTest.", [
  // Diagnostics carry a code: `Program.cs(12,5): error CS0103: …`, `error MSB3073: …`, `error NU1101: …`.
  rule("dotnet-error-code", 7, "\\berror (?:CS|FS|BC|MSB|NU|NETSDK)\\d{4}\\b", "compile", { headline: 5, caseSensitive: true }),
  // A test runner's verdict on one test: xUnit's `[FAIL]`, `dotnet test`'s `Failed Name [12 ms]`.
  rule("dotnet-test-failed", 6, "\\[FAIL\\]\\s*$|^\\s*Failed [\\w.`<>,+-]+(?:\\(.*\\))? \\[\\d+(?:\\.\\d+)? ?m?s\\]", "test", { headline: 5, caseSensitive: true }),
  // The runtime's report of an exception nothing caught: the program crashed.
  rule("dotnet-unhandled", 6, /^Unhandled exception\. [\w.]+/.source, "crash", { headline: 4, caseSensitive: true }),
  // Totals that repeat what failed above: `Failed!  - Failed: 2, Passed: 10`, MSBuild's `Build FAILED.`.
  rule("dotnet-totals", 0, "^\\s*Failed!\\s+- Failed:\\s+\\d+|^Build FAILED\\.\\s*$|^\\s*\\d+ Error\\(s\\)\\s*$", undefined, { headline: 0, caseSensitive: true }),
]);
