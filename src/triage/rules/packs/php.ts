/** Rule pack `php`: PHP: PHPUnit. */
import { marker, pack } from "./define.js";

export const PHP_PACK = pack("php", "PHP: PHPUnit.", [
  marker("phpunit-outcome", "ends-report", /^FAILURES!$|^Tests: \d+, Assertions: \d+/.source),
  // PHPUnit's stack frames are bare `/path/file.php:318`.
  marker("phpunit-frame", "continuation", /^\/\S+:\d+\s*$/.source),
]);
