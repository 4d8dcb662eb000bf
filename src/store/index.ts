export { openStore, Store, type Dialect, type OpenStoreOptions } from "./database.js";
export type * from "./schema.js";
