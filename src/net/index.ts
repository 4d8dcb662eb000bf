/** Small network facilities of the local machine (free ports). The public face of src/net. */
export { findFreePort } from "./ports.js";
