/** Rule pack `jvm`: The JVM: Java/Kotlin/Scala (and JavaScript) exceptions and stack traces, JUnit/Surefire, Maven, Gradle, sbt, ScalaTest. */
import { marker, pack, rule } from "./define.js";

export const JVM_PACK = pack("jvm", "The JVM: Java/Kotlin/Scala (and JavaScript) exceptions and stack traces, JUnit/Surefire, Maven, Gradle, sbt, ScalaTest.", [
  // A failed test goal pointing at the test output (Maven's 'There are test failures', 'Please
  // refer to … for the individual test results', sbt's 'Tests unsuccessful'): the failing tests
  // were reported above it.
  rule("test-report-pointer", -12, "There are test failures\\.?\\s*$|Please refer to \\S+ for the individual test results|TestsFailedException: Tests unsuccessful\\s*$", undefined, { headline: 0, caseSensitive: true }),
  rule("surefire-fail", 7, "\\*\\*\\* FAILED \\*\\*\\*|<<< (?:FAILURE|ERROR)!|Tests run: .*(?:Failures: [1-9]|Errors: [1-9])|There (?:was|were) \\d+ (?:failures?|errors?)", "test", { headline: 4 }),
  // An exception nothing caught: the JVM's own report of it, as a program (not a test) ends.
  rule("jvm-uncaught", 6, /^Exception in thread "[^"]+" [\w.$]+/.source, "crash", { headline: 4, caseSensitive: true }),
  // ---- markers ----
  // JVM and JavaScript stack frames (`at pkg.Type.method(Type.java:12)`, `at render (view.js:12:5)`).
  marker("jvm-frame", "stack-frame", /^\s*(?:at |\.\.\. \d+ more)/.source, { caseSensitive: true }),
  // A call frame says where, not what: it names no failure.
  marker("jvm-call-frame", "call-frame", /^\s*at [\w$.<>/-]+ ?\(.*\)\s*$/.source, { caseSensitive: true }),
  marker("jvm-trace-lines", "continuation", /^(?:at |\.\.\. \d+ more|caused by)/.source),
  // JUnit's `Tests run: 15, Failures: 1, …` heads the report of each failure.
  marker("junit-counts", "count-heading", /^Tests run: \d+, Failures: \d+/.source),
  // Gradle's `(see full trace by running task with --stacktrace.)`.
  marker("gradle-trace-hint", "ends-report", /^\(?see full trace\b/.source),
  // The exception a logged warning carries: its header, causes and frames.
  marker("jvm-warning-trace", "warning-trace", /^\s*(?:[\w$.]+(?:Exception|Error|Throwable)\b|caused by|at |\.\.\. \d+ more)/.source),
  // Maven's and sbt's warning at a source position (`[WARNING] /x/A.java:[12,5] …`, `[warn] /x/A.scala:12:5: …`).
  marker("jvm-warning-diagnostic", "warning-diagnostic", /^\[(?:WARNING|warn)\] \S+\.(?:java|kt|scala):\[?\d+/.source, { caseSensitive: true }),
  // javac -Werror, scalac -Xfatal-warnings / -Werror.
  marker("jvm-werror", "warnings-fatal", /warnings found and -Werror specified|No warnings can be incurred under -(?:Werror|Xfatal-warnings)/.source, { caseSensitive: true }),
]);
