/** Small network facilities of the local machine (free ports). The public face of src/net. */
export { ephemeralPortRange, findFreePort, findListenPort } from "./ports.js";
