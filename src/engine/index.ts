export { Engine, type EngineOptions } from "./engine.js";
export { DEFAULT_ENGINE_SETTINGS, type EngineContext, type EngineSettings } from "./context.js";
export type { DeployRequest } from "./create.js";
export type { DeploymentDetail, EnvironmentStatus, DecisionView } from "./queries.js";
export { planDeploymentSteps } from "./plan.js";
export { listServices, getServiceConfig } from "./services.js";
export { deploymentSubject } from "./record.js";
export { listChanges, type Change, type ChangeKind, type ChangesQuery } from "./changes.js";
export type { ApprovalRequest, ApprovalOutcome } from "./approvals.js";
