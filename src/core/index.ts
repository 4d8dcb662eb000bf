export * from "./errors.js";
export * from "./ids.js";
export * from "./clock.js";
export * from "./duration.js";
export * from "./redact.js";
export * from "./domain.js";
export * from "./config/index.js";
