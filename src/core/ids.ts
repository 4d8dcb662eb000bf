import { monotonicFactory } from "ulid";

const nextUlid = monotonicFactory();

/** A new ULID: unique, and sortable by creation time. */
export function newId(): string {
  return nextUlid();
}
