/** The few logging calls the router makes; pino's Logger satisfies it, as does a silent stub. */
export interface RouterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const nothing = () => undefined;

/** A logger that drops everything: the default for in-process routers in tests and benchmarks. */
export const silentLogger: RouterLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
