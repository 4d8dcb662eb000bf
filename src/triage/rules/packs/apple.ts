/** Rule pack `apple`: Xcode and Swift: xcodebuild, XCTest, the Swift package manager, CocoaPods. */
import { marker, pack, rule } from "./define.js";

export const APPLE_PACK = pack("apple", "Xcode and Swift: xcodebuild, XCTest, the Swift package manager, CocoaPods.", [
  rule("xcodebuild-error", 6, "^xcodebuild: error:", "compile", { headline: 3, caseSensitive: true }),
  // XCTest's verdict on a case: `Test Case '-[AppTests testLogin]' failed (0.02 seconds).`
  rule("xctest-case-failed", 6, "^Test Case '.+' failed\\b", "test", { headline: 5, caseSensitive: true }),
  // CocoaPods reports its own errors as `[!] …`.
  rule("cocoapods-error", 5, "^\\[!\\] \\S", "dependency", { headline: 2, caseSensitive: true }),
  // ---- markers ----
  // `** BUILD FAILED **`, `** TEST FAILED **`: the verdict after the errors that caused it.
  marker("xcodebuild-outcome", "ends-report", /^\*\* (?:BUILD|TEST|ARCHIVE|ANALYZE) (?:FAILED|INTERRUPTED) \*\*/.source, { caseSensitive: true }),
]);
