import { badInput } from "../core/errors.js";

/** Tasks for pool.test.ts. */
export const square = (n: number): number => n * n;
export function refuse(message: string): never {
  throw badInput(message, { hint: "a hint" });
}
export function spin(): never {
  for (;;) {
    // a task that never ends on its own
  }
}
export const sleep = (ms: number): Promise<number> => new Promise((resolve) => setTimeout(() => resolve(ms), ms));
