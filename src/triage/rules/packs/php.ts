/** Rule pack `php`: PHP: PHPUnit, Composer. */
import { marker, pack, rule } from "./define.js";

export const PHP_PACK = pack("php", "PHP: PHPUnit, Composer.", [
  rule("composer-unresolvable", 7, /Your requirements could not be resolved to an installable set of packages/.source, "dependency", { headline: 4, caseSensitive: true }),
  marker("phpunit-outcome", "ends-report", /^FAILURES!$|^Tests: \d+, Assertions: \d+/.source),
  // PHPUnit's stack frames are bare `/path/file.php:318`.
  marker("phpunit-frame", "continuation", /^\/\S+:\d+\s*$/.source),
]);
