export { openStore, Store, type Dialect, type OpenStoreOptions } from "./database.js";
export type * from "./schema.js";
export { getDeployment, listDeployments, listSteps, lastSucceeded, type DeploymentQuery } from "./deployments-repo.js";
