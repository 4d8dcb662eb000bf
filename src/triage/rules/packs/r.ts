/** Rule pack `r`: R: R CMD check. */
import { marker, pack } from "./define.js";

export const R_PACK = pack("r", "R: R CMD check.", [
  marker("r-check-outcome", "ends-report", /^\* DONE\s*$|^\s*Execution halted\s*$/.source),
]);
